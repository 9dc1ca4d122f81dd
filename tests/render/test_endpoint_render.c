/*
** test_endpoint_render.c -- the report of derived endpoints.
**
** A four-patient cohort whose outcomes are worked out by hand (comments
** below) is derived with onc_endpoint_derive and rendered as text, JSON
** and CSV; the tests check the counts, the row numbers and dates in the
** messages, the listing cap and the argument checks.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/date.h"
#include "oncostat/endpoint_render.h"

/*
** Rows (cut-off 2021-12-31), PFS = first of progression, death:
**  1 start 2020-01-01, progression 2020-03-01             -> event, Progression
**  2 start 2020-01-01, death 2020-02-01, progression 2020-05-01
**                                                         -> excluded (progression after death)
**  3 start 2020-06-01, last visit 2022-03-01 (after cut-off)
**                                                         -> censored at the cut-off, note
**  4 no start                                             -> excluded (missing origin)
*/
static onc_frame *cohort(void)
{
    double start[4], prog[4], death[4], last[4];
    onc_frame *f = NULL;

    start[0] = onc_date_from_ymd(2020, 1, 1);
    start[1] = onc_date_from_ymd(2020, 1, 1);
    start[2] = onc_date_from_ymd(2020, 6, 1);
    start[3] = NAN;
    prog[0] = onc_date_from_ymd(2020, 3, 1);
    prog[1] = onc_date_from_ymd(2020, 5, 1);
    prog[2] = NAN;
    prog[3] = NAN;
    death[0] = NAN;
    death[1] = onc_date_from_ymd(2020, 2, 1);
    death[2] = NAN;
    death[3] = NAN;
    last[0] = onc_date_from_ymd(2020, 3, 1);
    last[1] = onc_date_from_ymd(2020, 2, 1);
    last[2] = onc_date_from_ymd(2022, 3, 1);
    last[3] = onc_date_from_ymd(2021, 1, 1);
    if (onc_frame_new(4, &f) != ONC_OK)
        return NULL;
    if (onc_frame_add_numeric(f, "start", ONC_COL_DATE, start, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "progression", ONC_COL_DATE, prog, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "death", ONC_COL_DATE, death, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "last_visit", ONC_COL_DATE, last, NULL) != ONC_OK) {
        onc_frame_free(f);
        return NULL;
    }
    return f;
}

static char *render(const onc_endpoint_report *rep, size_t n,
                    const onc_endpoint_render_options *opt, onc_output_mode mode,
                    onc_status *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    if (fp == NULL) {
        *rc = ONC_ERR_IO;
        return NULL;
    }
    *rc = onc_endpoint_render(rep, n, opt, mode, fp);
    fclose(fp);
    return text;
}

static void expect_has(const char *text, const char *what)
{
    int found = text != NULL && strstr(text, what) != NULL;

    CHECK(found);
    if (!found)
        fprintf(stderr, "  missing: %s\n", what);
}

int main(void)
{
    static const char *const events[] = {"progression", "death"};
    static const char *const labels[] = {"Progression", "Death"};
    onc_frame *df = cohort();
    onc_endpoint_spec spec;
    onc_endpoint_result *r = NULL;
    onc_exclusions ex;
    onc_endpoint_report rep;
    onc_endpoint_render_options opt;
    onc_status rc;
    onc_error err;
    char *text;

    harness_set_name("test_endpoint_render");
    CHECK(df != NULL);
    if (df == NULL)
        return harness_finish();
    onc_endpoint_spec_init(&spec);
    spec.name = "PFS";
    spec.origin = "start";
    spec.events = events;
    spec.event_labels = labels;
    spec.n_events = 2;
    spec.censor = "last_visit";
    spec.death = "death";
    spec.cutoff = onc_date_from_ymd(2021, 12, 31);
    spec.unit = ONC_UNIT_MONTHS;
    CHECK(onc_endpoint_derive(df, &spec, &r, &ex, &err) == ONC_OK);
    if (r == NULL)
        return harness_finish();
    rep.result = r;
    rep.spec = &spec;
    rep.excluded = &ex;
    onc_endpoint_render_options_init(&opt);
    opt.source = "cohort.csv";
    opt.output = "derived.csv";

    text = render(&rep, 1, &opt, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK);
    expect_has(text, "PFS (months) from cohort.csv");
    expect_has(text, "Events, the first to occur: Progression (progression), Death (death)");
    expect_has(text, "Data cut-off: 2021-12-31");
    expect_has(text, "Progression                    1");
    expect_has(text, "Death                          0");
    expect_has(text, "Censored at data cut-off       1");
    expect_has(text, "Excluded                       2");
    expect_has(text, "Rows: 2 used of 4; 2 excluded:");
    expect_has(text, "row 2: Progression 2020-05-01 is after death 2020-02-01");
    expect_has(text, "row 4: no origin date in 'start'");
    expect_has(text, "row 3: follow-up date 2022-03-01 is after the data cut-off 2021-12-31");
    expect_has(text, "Derived data written to derived.csv");
    free(text);

    /* At most one listed: the rest is counted. */
    opt.max_listed = 1;
    text = render(&rep, 1, &opt, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK);
    expect_has(text, "Excluded rows (2):\n  row 2: ");
    expect_has(text, "  ... 1 more\n");
    CHECK(text != NULL && strstr(text, "row 4: no origin") == NULL);
    free(text);
    opt.max_listed = 0;

    text = render(&rep, 1, &opt, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK);
    expect_has(text, "\"source\": \"cohort.csv\"");
    expect_has(text, "\"unit\": \"months\"");
    expect_has(text, "\"cutoff\": \"2021-12-31\"");
    expect_has(text, "\"columns\": [\n        \"PFS_time\",\n        \"PFS_event\",\n"
                     "        \"PFS_desc\"\n      ]");
    expect_has(text, "\"n_events\": 1");
    expect_has(text, "\"n_censored\": 1");
    expect_has(text, "\"n_problems\": 2");
    expect_has(text, "\"issue\": \"event_after_death\"");
    expect_has(text, "\"issue\": \"missing_origin\"");
    expect_has(text, "\"issue\": \"follow_up_after_cutoff\"");
    free(text);

    text = render(&rep, 1, NULL, ONC_OUTPUT_CSV, &rc);
    CHECK(rc == ONC_OK);
    CHECK_STR(text, "endpoint,unit,outcome,rows\n"
                    "PFS,months,Progression,1\n"
                    "PFS,months,Death,0\n"
                    "PFS,months,Censored at last follow-up,0\n"
                    "PFS,months,Censored at data cut-off,1\n"
                    "PFS,months,Excluded,2\n");
    free(text);

    /* Without a spec or a ledger the counts still come from the result. */
    rep.spec = NULL;
    rep.excluded = NULL;
    text = render(&rep, 1, NULL, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK);
    expect_has(text, "\"definition\": null");
    expect_has(text, "\"n_used\": 2");
    free(text);

    CHECK(onc_endpoint_render(NULL, 1, NULL, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
    CHECK(onc_endpoint_render(&rep, 0, NULL, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
    rep.result = NULL;
    CHECK(onc_endpoint_render(&rep, 1, NULL, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);

    CHECK_STR(onc_endpoint_issue_name(ONC_ENDPOINT_EVENT_AFTER_CUTOFF), "event_after_cutoff");
    CHECK_STR(onc_endpoint_issue_name((onc_endpoint_issue)99), "unknown");

    onc_endpoint_result_free(r);
    onc_exclusions_clear(&ex);
    onc_frame_free(df);
    return harness_finish();
}
