/*
** test_endpoint.c -- time-to-event endpoints derived from dates.
**
** Reference: hand calculation.  Each case gives its dates and the day count
** worked out in the comment (2020 is a leap year: February has 29 days).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/endpoint.h"
#include "oncostat/date.h"
#include "harness.h"

/* yyyymmdd as a day number since 1970, 0 = missing. */
static double day_of(long ymd)
{
    if (ymd == 0)
        return NAN;
    return onc_date_from_ymd((int)(ymd / 10000), (int)(ymd / 100 % 100), (int)(ymd % 100));
}

typedef struct row_case {
    long start, prog, death, last_fu;   /* yyyymmdd, 0 = missing */
    int event;                          /* 1, 0, -1 = excluded */
    double days;                        /* expected time in days (NaN if excluded) */
    const char *desc;                   /* expected description, NULL if excluded */
    onc_endpoint_issue issue;
} row_case;

/*
** Progression-free survival: events progression then death (priority), death
** column `death`, censoring at `last_fu`, data cut-off 2021-12-31.
*/
static const row_case pfs_cases[] = {
    /* 1. Progression: 2020-01-01 -> 2020-03-01 = 31 (Jan) + 29 (Feb) = 60. */
    {20200101, 20200301, 0, 20200601, 1, 60, "Progression", ONC_ENDPOINT_OK},
    /* 2. Death only: 2019-01-15 -> 2019-12-31 = day 365 - day 15 = 350. */
    {20190115, 0, 20191231, 0, 1, 350, "Death", ONC_ENDPOINT_OK},
    /* 3. Progression before death: 2020-01-01 -> 2020-02-01 = 31. */
    {20200101, 20200201, 20200501, 20200401, 1, 31, "Progression", ONC_ENDPOINT_OK},
    /* 4. Same day: 2020-04-01 -> 2020-04-10 = 9; progression is listed first. */
    {20200401, 20200410, 20200410, 0, 1, 9, "Progression", ONC_ENDPOINT_OK},
    /* 5. Censored: 2020-01-01 -> 2021-01-01 = 366 (leap year). */
    {20200101, 0, 0, 20210101, 0, 366, "Censored at last follow-up", ONC_ENDPOINT_OK},
    /* 6. Death 2020-05-01 before progression 2020-06-01: inconsistent. */
    {20200101, 20200601, 20200501, 0, -1, NAN, NULL, ONC_ENDPOINT_EVENT_AFTER_DEATH},
    /* 7. Progression 2020-02-01 before the origin 2020-03-01. */
    {20200301, 20200201, 0, 20200601, -1, NAN, NULL, ONC_ENDPOINT_EVENT_BEFORE_ORIGIN},
    /* 8. No event; follow-up 2020-02-28 before the origin 2020-03-01. */
    {20200301, 0, 0, 20200228, -1, NAN, NULL, ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN},
    /* 9. No origin. */
    {0, 20200301, 0, 20200601, -1, NAN, NULL, ONC_ENDPOINT_MISSING_ORIGIN},
    /* 10. No event and no follow-up date. */
    {20200101, 0, 0, 0, -1, NAN, NULL, ONC_ENDPOINT_NO_FOLLOW_UP},
    /* 11. Death 2022-02-01 after the cut-off: censored at 2021-12-31;
    **     2021-06-01 -> 2021-12-01 = 30+31+31+30+31+30 = 183, + 30 = 213. */
    {20210601, 0, 20220201, 0, 0, 213, "Censored at data cut-off",
     ONC_ENDPOINT_EVENT_AFTER_CUTOFF},
    /* 12. Follow-up 2022-03-01 after the cut-off: 2021-01-01 -> 2021-12-31
    **     = 365 - 1 = 364. */
    {20210101, 0, 0, 20220301, 0, 364, "Censored at data cut-off",
     ONC_ENDPOINT_FOLLOW_UP_AFTER_CUTOFF},
    /* 13. Origin 2022-01-10 after the cut-off. */
    {20220110, 0, 0, 20220301, -1, NAN, NULL, ONC_ENDPOINT_ORIGIN_AFTER_CUTOFF},
    /* 14. Follow-up 2019-12-01 before the origin, but progression 2020-01-21
    **     decides: 2020-01-01 -> 2020-01-21 = 20. */
    {20200101, 20200121, 0, 20191201, 1, 20, "Progression",
     ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN_NOTED},
    /* 15. Last follow-up before death is fine: 2020-01-01 -> 2020-07-01 =
    **     31+29+31+30+31+30 = 182. */
    {20200101, 0, 20200701, 20200201, 1, 182, "Death", ONC_ENDPOINT_OK},
    /* 16. Death on the day of origin: time 0. */
    {20200505, 0, 20200505, 0, 1, 0, "Death", ONC_ENDPOINT_OK},
    /* 17. Death on the cut-off day counts: 2021-12-01 -> 2021-12-31 = 30. */
    {20211201, 0, 20211231, 0, 1, 30, "Death", ONC_ENDPOINT_OK},
    /* 18. Dates before 1970: 1969-12-01 -> 1970-01-10 = 31 (December) + 9 = 40. */
    {19691201, 19700110, 0, 0, 1, 40, "Progression", ONC_ENDPOINT_OK}
};
#define N_PFS (sizeof pfs_cases / sizeof pfs_cases[0])

static const char *const pfs_events[] = {"prog", "death"};
static const char *const pfs_labels[] = {"Progression", "Death"};

/* The frame: start, prog, death, last_fu as dates; `never` all missing
** (logical, as a CSV reader types it); `n` integers; `arm` a factor. */
static onc_frame *make_frame(const row_case *cases, size_t n)
{
    onc_frame *f = NULL;
    double *v = malloc((n ? n : 1) * sizeof *v);
    int32_t *codes = malloc((n ? n : 1) * sizeof *codes);
    static const char *const arms[] = {"A", "B"};
    size_t i;

    if (v == NULL || codes == NULL || onc_frame_new(n, &f) != ONC_OK)
        abort();
    for (i = 0; i < n; i++)
        v[i] = day_of(cases[i].start);
    CHECK(onc_frame_add_numeric(f, "start", ONC_COL_DATE, v, NULL) == ONC_OK);
    for (i = 0; i < n; i++)
        v[i] = day_of(cases[i].prog);
    CHECK(onc_frame_add_numeric(f, "prog", ONC_COL_DATE, v, NULL) == ONC_OK);
    for (i = 0; i < n; i++)
        v[i] = day_of(cases[i].death);
    CHECK(onc_frame_add_numeric(f, "death", ONC_COL_DATE, v, NULL) == ONC_OK);
    for (i = 0; i < n; i++)
        v[i] = day_of(cases[i].last_fu);
    CHECK(onc_frame_add_numeric(f, "last_fu", ONC_COL_DATE, v, NULL) == ONC_OK);
    for (i = 0; i < n; i++)
        v[i] = NAN;
    CHECK(onc_frame_add_numeric(f, "never", ONC_COL_LOGICAL, v, NULL) == ONC_OK);
    for (i = 0; i < n; i++) {
        v[i] = (double)i;
        codes[i] = (int32_t)(i % 2);
    }
    CHECK(onc_frame_add_numeric(f, "n", ONC_COL_INTEGER, v, NULL) == ONC_OK);
    CHECK(onc_frame_add_factor(f, "arm", codes, arms, NULL, 2, NULL) == ONC_OK);
    free(v);
    free(codes);
    return f;
}

static void pfs_spec(onc_endpoint_spec *spec)
{
    onc_endpoint_spec_init(spec);
    spec->name = "PFS";
    spec->origin = "start";
    spec->events = pfs_events;
    spec->event_labels = pfs_labels;
    spec->n_events = 2;
    spec->censor = "last_fu";
    spec->death = "death";
    spec->cutoff = day_of(20211231);
    spec->unit = ONC_UNIT_DAYS;
}

static size_t count_reason(const onc_exclusions *ex, const char *reason)
{
    size_t k;

    for (k = 0; k < ex->n_reasons; k++)
        if (strcmp(ex->reasons[k].reason, reason) == 0)
            return ex->reasons[k].count;
    return 0;
}

static void test_pfs_rows(void)
{
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_exclusions ex;
    onc_error err;
    size_t i, n_used = 0, n_ev = 0, n_problems = 0, n_notes = 0;

    pfs_spec(&spec);
    CHECK(onc_endpoint_derive(f, &spec, &r, &ex, &err) == ONC_OK);
    if (r == NULL) {
        onc_frame_free(f);
        return;
    }
    CHECK(r->n_rows == N_PFS);
    CHECK_STR(r->name, "PFS");
    CHECK(r->n_descriptions == 4);
    CHECK_STR(r->descriptions[0], "Progression");
    CHECK_STR(r->descriptions[1], "Death");
    CHECK_STR(r->descriptions[2], "Censored at last follow-up");
    CHECK_STR(r->descriptions[3], "Censored at data cut-off");
    for (i = 0; i < N_PFS; i++) {
        const row_case *t = &pfs_cases[i];
        CHECK(r->event[i] == t->event);
        CHECK_CLOSE(r->time[i], t->days, 0);
        CHECK(r->issue[i] == (unsigned char)t->issue);
        if (t->desc != NULL) {
            CHECK(r->desc[i] >= 0 && (size_t)r->desc[i] < r->n_descriptions);
            if (r->desc[i] >= 0)
                CHECK_STR(r->descriptions[r->desc[i]], t->desc);
            /* ADT = origin + time. */
            CHECK_CLOSE(r->date[i], day_of(t->start) + t->days, 0);
            n_used++;
            n_ev += t->event == 1;
        } else {
            CHECK(r->desc[i] == -1 && isnan(r->date[i]));
            n_problems++;
        }
        if (t->event >= 0 && t->issue != ONC_ENDPOINT_OK)
            n_notes++;
    }
    CHECK(r->n_used == n_used && r->n_events == n_ev);
    CHECK(r->n_censored == n_used - n_ev);
    CHECK(r->n_excluded == N_PFS - n_used);
    CHECK(r->n_problems == n_problems && r->n_notes == n_notes);
    for (i = 0; i < r->n_problems; i++)
        CHECK(pfs_cases[r->problems[i].row - 1].event == -1 &&
              r->problems[i].issue == pfs_cases[r->problems[i].row - 1].issue);
    for (i = 0; i < r->n_notes; i++)
        CHECK(pfs_cases[r->notes[i].row - 1].event >= 0 &&
              r->notes[i].issue == pfs_cases[r->notes[i].row - 1].issue);
    /* Messages name the dates. */
    CHECK(r->n_notes > 0 &&
          strstr(r->notes[0].message, "2022-02-01") != NULL &&
          strstr(r->notes[0].message, "2021-12-31") != NULL);
    CHECK(r->n_problems > 0 && strstr(r->problems[0].message, "2020-06-01") != NULL &&
          strstr(r->problems[0].message, "2020-05-01") != NULL);

    /* The ledger: one reason per kind, with its rows (1-based). */
    CHECK(ex.n_total == N_PFS && ex.n_excluded == N_PFS - n_used && ex.n_used == n_used);
    CHECK(count_reason(&ex, "Progression date after death date") == 1);
    CHECK(count_reason(&ex, "Progression date before origin date") == 1);
    CHECK(count_reason(&ex, "follow-up date before origin date") == 1);
    CHECK(count_reason(&ex, "missing origin date ('start')") == 1);
    CHECK(count_reason(&ex, "no event and no follow-up date") == 1);
    CHECK(count_reason(&ex, "origin date after the data cut-off") == 1);
    CHECK(ex.n_reasons == 6);
    CHECK(ex.n_reasons > 0 && ex.reasons[0].n_rows == 1 && ex.reasons[0].rows[0] == 6);

    onc_endpoint_result_free(r);
    onc_exclusions_clear(&ex);
    onc_frame_free(f);
}

/* Without a cut-off, case 11's death (2021-06-01 -> 2022-02-01 = 213 + 32 =
** 245) and case 12's follow-up (2021-01-01 -> 2022-03-01 = 365 + 59 = 424)
** count as they stand, and case 13 is an ordinary censored row
** (2022-01-10 -> 2022-03-01 = 21 + 28 + 1 = 50). */
static void test_no_cutoff(void)
{
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_error err;

    pfs_spec(&spec);
    spec.cutoff = NAN;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
    if (r != NULL) {
        CHECK(r->event[10] == 1 && r->time[10] == 245);
        CHECK(r->event[11] == 0 && r->time[11] == 424);
        CHECK(r->event[12] == 0 && r->time[12] == 50);
        CHECK(r->issue[10] == ONC_ENDPOINT_OK && r->issue[12] == ONC_ENDPOINT_OK);
    }
    onc_endpoint_result_free(r);
    onc_frame_free(f);
}

/* Case 5 (366 days) in every unit: 366/7, 366/30.4375, 366/365.25. */
static void test_units(void)
{
    static const struct { onc_time_unit unit; double want; const char *name; } units[] = {
        {ONC_UNIT_DAYS, 366.0, "days"},
        {ONC_UNIT_WEEKS, 366.0 / 7.0, "weeks"},
        {ONC_UNIT_MONTHS, 366.0 / 30.4375, "months"},
        {ONC_UNIT_YEARS, 366.0 / 365.25, "years"}
    };
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    size_t u;

    for (u = 0; u < sizeof units / sizeof units[0]; u++) {
        onc_endpoint_spec spec;
        onc_endpoint_result *r = NULL;
        onc_error err;
        pfs_spec(&spec);
        spec.unit = units[u].unit;
        CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
        if (r != NULL) {
            CHECK_REL(r->time[4], units[u].want, 1e-15);
            CHECK(r->unit == units[u].unit);
        }
        CHECK_STR(onc_time_unit_name(units[u].unit), units[u].name);
        onc_endpoint_result_free(r);
    }
    CHECK(onc_time_unit_days(ONC_UNIT_MONTHS) == 30.4375);
    CHECK(onc_time_unit_days(ONC_UNIT_YEARS) == 365.25);
    onc_frame_free(f);
}

/* Overall survival: one event, no labels (the column name is used), an
** entirely missing column accepted as an event column. */
static void test_os_and_labels(void)
{
    static const char *const os_events[] = {"death", "never"};
    static const char *const same[] = {"Event", "Event"};
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_error err;

    onc_endpoint_spec_init(&spec);
    spec.name = "OS";
    spec.origin = "start";
    spec.events = os_events;
    spec.n_events = 2;
    spec.censor = "last_fu";
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
    if (r != NULL) {
        CHECK(r->n_descriptions == 4);
        CHECK_STR(r->descriptions[0], "death");
        CHECK_STR(r->descriptions[1], "never");
        /* Case 1: no death; censored 2020-01-01 -> 2020-06-01 =
        ** 31+29+31+30+31 = 152.  Case 6: death 2020-05-01 = 121 days. */
        CHECK(r->event[0] == 0 && r->time[0] == 152);
        CHECK(r->event[5] == 1 && r->time[5] == 121);
    }
    onc_endpoint_result_free(r);
    r = NULL;
    spec.event_labels = same;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
    if (r != NULL) {
        CHECK(r->n_descriptions == 3);
        CHECK_STR(r->descriptions[0], "Event");
        CHECK(r->desc[5] == 0);
    }
    onc_endpoint_result_free(r);
    onc_frame_free(f);
}

static void test_add_columns(void)
{
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_error err;
    long jt, je, jd;
    size_t i;

    pfs_spec(&spec);
    spec.unit = ONC_UNIT_MONTHS;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
    if (r == NULL) {
        onc_frame_free(f);
        return;
    }
    CHECK(onc_endpoint_add_columns(f, r, NULL, &err) == ONC_OK);
    jt = onc_frame_find(f, "PFS_time");
    je = onc_frame_find(f, "PFS_event");
    jd = onc_frame_find(f, "PFS_desc");
    CHECK(jt >= 0 && je >= 0 && jd >= 0);
    if (jt >= 0 && je >= 0 && jd >= 0) {
        const onc_column *ct = &f->cols[jt], *ce = &f->cols[je], *cd = &f->cols[jd];
        CHECK(ct->type == ONC_COL_NUMBER && ce->type == ONC_COL_INTEGER &&
              cd->type == ONC_COL_FACTOR && cd->n_levels == 4);
        for (i = 0; i < N_PFS; i++) {
            const row_case *t = &pfs_cases[i];
            CHECK_CLOSE(ct->num[i], t->days / 30.4375, 1e-15);
            CHECK(t->event < 0 ? isnan(ce->num[i]) : ce->num[i] == t->event);
            if (t->desc == NULL)
                CHECK(cd->code[i] == -1);
            else
                CHECK(cd->code[i] >= 0 && strcmp(cd->levels[cd->code[i]], t->desc) == 0);
        }
    }
    /* Taken names are refused before anything is added. */
    CHECK(onc_endpoint_add_columns(f, r, "PFS", &err) == ONC_ERR_USAGE);
    CHECK_STR(err.column, "PFS_time");
    CHECK(f->n_cols == 10);
    CHECK(onc_endpoint_add_columns(f, r, "PFS2", &err) == ONC_OK);
    CHECK(onc_frame_find(f, "PFS2_desc") >= 0);
    onc_endpoint_result_free(r);
    onc_frame_free(f);
}

static void test_errors(void)
{
    static const char *const bad_event[] = {"nope"};
    static const char *const int_event[] = {"n"};
    static const char *const factor_event[] = {"arm"};
    onc_frame *f = make_frame(pfs_cases, N_PFS);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_exclusions ex;
    onc_error err;

    pfs_spec(&spec);
    spec.events = bad_event;
    spec.n_events = 1;
    CHECK(onc_endpoint_derive(f, &spec, &r, &ex, &err) == ONC_ERR_USAGE);
    CHECK(r == NULL && strcmp(err.column, "nope") == 0);
    onc_exclusions_clear(&ex);
    spec.events = int_event;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_DATA);
    CHECK(strcmp(err.column, "n") == 0 && strstr(err.message, "integer") != NULL);
    spec.events = factor_event;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_DATA);
    spec.events = pfs_events;
    spec.n_events = 0;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    spec.n_events = 2;
    spec.origin = NULL;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    spec.origin = "start";
    spec.censor = "missing_column";
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    spec.censor = "last_fu";
    spec.cutoff = INFINITY;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    spec.cutoff = NAN;
    spec.unit = (onc_time_unit)9;
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    CHECK(onc_endpoint_derive(NULL, &spec, &r, NULL, &err) == ONC_ERR_USAGE);
    CHECK(r == NULL);
    onc_endpoint_result_free(NULL);
    onc_frame_free(f);

    /* A result from another frame does not fit. */
    f = make_frame(pfs_cases, 3);
    pfs_spec(&spec);
    CHECK(onc_endpoint_derive(f, &spec, &r, NULL, &err) == ONC_OK);
    onc_frame_free(f);
    f = make_frame(pfs_cases, 4);
    CHECK(r != NULL && onc_endpoint_add_columns(f, r, "PFS", &err) == ONC_ERR_USAGE);
    onc_endpoint_result_free(r);
    onc_frame_free(f);
}

/* An empty frame gives an empty result. */
static void test_empty(void)
{
    onc_frame *f = make_frame(pfs_cases, 0);
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_exclusions ex;
    onc_error err;

    pfs_spec(&spec);
    CHECK(onc_endpoint_derive(f, &spec, &r, &ex, &err) == ONC_OK);
    CHECK(r != NULL && r->n_rows == 0 && r->n_used == 0 && ex.n_total == 0);
    CHECK(r != NULL && onc_endpoint_add_columns(f, r, "PFS", &err) == ONC_OK);
    onc_endpoint_result_free(r);
    onc_exclusions_clear(&ex);
    onc_frame_free(f);
}

int main(void)
{
    harness_set_name("test_endpoint");
    test_pfs_rows();
    test_no_cutoff();
    test_units();
    test_os_and_labels();
    test_add_columns();
    test_errors();
    test_empty();
    return harness_finish();
}
