/*
** response.c -- the tumour-response engine shared by RECIST 1.1, mRECIST
** and Choi: grouping records into assessments, following the baseline
** lesions, sums and nadirs, and the best overall response with optional
** confirmation and minimum duration of stable disease.
**
** The criteria themselves live in recist.c, mrecist.c and choi.c behind the
** interface of response_internal.h.  Every decision made here is listed in
** docs/methods/response.md.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oncostat/date.h"
#include "oncostat/response.h"
#include "clinical/response_internal.h"
#include "core/internal.h"

/* Issues kept per patient; one more line says that others were dropped. */
#define RESPONSE_MAX_ISSUES 64
#define RESPONSE_ISSUE_LEN 256

const char *onc_response_name(onc_response response)
{
    switch (response) {
    case ONC_RESP_CR: return "CR";
    case ONC_RESP_PR: return "PR";
    case ONC_RESP_SD: return "SD";
    case ONC_RESP_PD: return "PD";
    case ONC_RESP_NE: return "NE";
    }
    return "?";
}

const char *onc_criteria_name(onc_criteria criteria)
{
    switch (criteria) {
    case ONC_CRITERIA_RECIST11: return "RECIST 1.1";
    case ONC_CRITERIA_MRECIST: return "mRECIST";
    case ONC_CRITERIA_CHOI: return "Choi";
    }
    return "?";
}

const char *onc_baseline_rule_name(onc_baseline_rule rule)
{
    switch (rule) {
    case ONC_BASELINE_EARLIEST: return "earliest";
    case ONC_BASELINE_DAY: return "day";
    case ONC_BASELINE_FLAG: return "flag";
    }
    return "?";
}

void onc_response_options_init(onc_response_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->criteria = ONC_CRITERIA_RECIST11;
    opt->baseline = ONC_BASELINE_EARLIEST;
}

/* How a day reads in issues and reasons: "day 56", or "2021-04-26" when
** the days are dates.  buf needs RESPONSE_DAY_LEN bytes. */
#define RESPONSE_DAY_LEN 40

static const char *response_day(const onc_response_options *opt, double day,
                                char *buf)
{
    if (opt->days_are_dates && onc_date_format(day, buf, RESPONSE_DAY_LEN) == 10)
        return buf;
    snprintf(buf, RESPONSE_DAY_LEN, "day %g", day);
    return buf;
}

/* ---- helpers shared with the criteria ---- */

int response_at_least(double x, double limit)
{
    return x >= limit - RESPONSE_SLACK;
}

int response_at_most(double x, double limit)
{
    return x <= limit + RESPONSE_SLACK;
}

int response_progression_other(const response_timepoint *tp, char *rule,
                               size_t cap)
{
    if (tp->new_lesion != NULL) {
        snprintf(rule, cap, "PD: new lesion '%s'", tp->new_lesion);
        return 1;
    }
    if (tp->nontarget == RESPONSE_NT_PD) {
        snprintf(rule, cap, "PD: unequivocal progression of non-target disease");
        return 1;
    }
    return 0;
}

onc_response response_nontarget_only(const response_timepoint *tp, char *rule,
                                     size_t cap)
{
    switch (tp->nontarget) {
    case RESPONSE_NT_ABSENT:
        snprintf(rule, cap, "CR: non-target disease resolved (no target lesion)");
        return ONC_RESP_CR;
    case RESPONSE_NT_PRESENT:
        /* RECIST's "non-CR/non-PD", tabulated with stable disease */
        snprintf(rule, cap, "SD: non-CR/non-PD (non-target disease only)");
        return ONC_RESP_SD;
    case RESPONSE_NT_NOT_ASSESSED:
        snprintf(rule, cap, "NE: non-target lesions not all assessed "
                            "(no target lesion)");
        return ONC_RESP_NE;
    case RESPONSE_NT_PD:
        snprintf(rule, cap, "PD: unequivocal progression of non-target disease");
        return ONC_RESP_PD;
    case RESPONSE_NT_NONE:
        break;
    }
    snprintf(rule, cap, "NE: no baseline disease to assess");
    return ONC_RESP_NE;
}

onc_response response_combine(onc_response target, const response_timepoint *tp,
                              const char *why, char *rule, size_t cap)
{
    if (target == ONC_RESP_CR) {
        switch (tp->nontarget) {
        case RESPONSE_NT_NONE:
            snprintf(rule, cap, "CR: %s", why);
            return ONC_RESP_CR;
        case RESPONSE_NT_ABSENT:
            snprintf(rule, cap, "CR: %s, non-target lesions absent", why);
            return ONC_RESP_CR;
        case RESPONSE_NT_NOT_ASSESSED:
            snprintf(rule, cap, "PR: %s, but non-target lesions not all assessed", why);
            return ONC_RESP_PR;
        default:
            snprintf(rule, cap, "PR: %s, but non-target disease present", why);
            return ONC_RESP_PR;
        }
    }
    snprintf(rule, cap, "%s: %s", onc_response_name(target), why);
    return target;
}

/* 100 (value - ref) / ref; a rise from 0 is +Inf, 0 from 0 is 0. */
static double response_pct(double value, double ref)
{
    if (isnan(value) || isnan(ref))
        return NAN;
    if (ref > 0.0)
        return 100.0 * (value - ref) / ref;
    if (ref == 0.0)
        return value > 0.0 ? INFINITY : (value == 0.0 ? 0.0 : NAN);
    return NAN;
}

/* ---- records ---- */

typedef struct response_key {
    const onc_lesion_record *r;
    size_t index;               /* position in the input */
} response_key;

static size_t response_row(const response_key *k)
{
    return k->r->source_row ? k->r->source_row : k->index + 1;
}

static int response_missing(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static int response_cmp_key(const void *a, const void *b)
{
    const response_key *x = a, *y = b;
    int c = strcmp(x->r->patient, y->r->patient);

    if (c != 0)
        return c;
    if (x->r->day != y->r->day)
        return x->r->day < y->r->day ? -1 : 1;
    c = strcmp(x->r->lesion, y->r->lesion);
    if (c != 0)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Baseline records spread over several days: by lesion, then day. */
static int response_cmp_lesion_day(const void *a, const void *b)
{
    const response_key *x = a, *y = b;
    int c = strcmp(x->r->lesion, y->r->lesion);

    if (c != 0)
        return c;
    if (x->r->day != y->r->day)
        return x->r->day < y->r->day ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static onc_status response_check_measure(double v, const char *what,
                                         const onc_lesion_record *r, size_t row,
                                         onc_error *err)
{
    if (isnan(v))
        return ONC_OK;
    if (!isfinite(v))
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, what,
                             "lesion '%s' of patient '%s': %s is not finite",
                             r->lesion, r->patient, what);
    if (v < 0.0)
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, what,
                             "lesion '%s' of patient '%s': negative %s %g mm",
                             r->lesion, r->patient, what, v);
    return ONC_OK;
}

static onc_status response_check_record(const onc_lesion_record *r, size_t row,
                                        onc_error *err)
{
    onc_status st;

    if (response_missing(r->patient))
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "patient",
                             "patient identifier is missing");
    if (response_missing(r->lesion))
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "lesion",
                             "lesion identifier is missing (patient '%s')",
                             r->patient);
    if (!isfinite(r->day))
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "day",
                             "assessment day of lesion '%s' (patient '%s') is "
                             "missing", r->lesion, r->patient);
    if (r->kind != ONC_LESION_TARGET && r->kind != ONC_LESION_NONTARGET &&
        r->kind != ONC_LESION_NEW)
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "kind",
                             "unknown lesion type %d for lesion '%s' (patient "
                             "'%s'); expected target, non-target or new",
                             (int)r->kind, r->lesion, r->patient);
    if (r->nt_status != ONC_NT_PRESENT && r->nt_status != ONC_NT_ABSENT &&
        r->nt_status != ONC_NT_UNEQUIVOCAL_PD && r->nt_status != ONC_NT_NOT_ASSESSED)
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "nt_status",
                             "unknown non-target status %d for lesion '%s' "
                             "(patient '%s')", (int)r->nt_status, r->lesion,
                             r->patient);
    if ((st = response_check_measure(r->diameter, "diameter", r, row, err)) != ONC_OK ||
        (st = response_check_measure(r->short_axis, "short_axis", r, row, err)) != ONC_OK ||
        (st = response_check_measure(r->viable_diameter, "viable_diameter", r, row,
                                     err)) != ONC_OK)
        return st;
    if (isinf(r->attenuation))
        return onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "attenuation",
                             "lesion '%s' of patient '%s': attenuation is not "
                             "finite", r->lesion, r->patient);
    return ONC_OK;
}

static int response_in_scope(const onc_lesion_record *r, const char *organ)
{
    if (organ == NULL)
        return 1;
    return r->organ != NULL && strcasecmp(r->organ, organ) == 0;
}

/* ---- patient issues ---- */

static onc_status response_issue(onc_response_patient *p, onc_error *err,
                                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static onc_status response_issue(onc_response_patient *p, onc_error *err,
                                 const char *fmt, ...)
{
    char buf[RESPONSE_ISSUE_LEN];
    char **grown, *copy;
    va_list ap;

    if (p->n_issues > RESPONSE_MAX_ISSUES)
        return ONC_OK;
    if (p->n_issues == RESPONSE_MAX_ISSUES) {
        snprintf(buf, sizeof buf, "further issues not listed");
    } else {
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    copy = onc_strdup(buf);
    grown = onc_reallocarray(p->issues, p->n_issues + 1, sizeof *grown);
    if (copy == NULL || grown == NULL) {
        free(copy);
        if (grown != NULL)
            p->issues = grown;
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for patient issues");
    }
    p->issues = grown;
    p->issues[p->n_issues++] = copy;
    return ONC_OK;
}

/* ---- one patient ---- */

typedef struct response_target {
    const onc_lesion_record *baseline;
    double value;               /* measurement at baseline */
} response_target;

typedef struct response_patient_work {
    const response_criteria *crit;
    const onc_response_options *opt;
    response_target *targets;   /* sorted by lesion identifier */
    size_t n_targets;
    const char **nontargets;    /* sorted by lesion identifier */
    size_t n_nontargets;
    double *value;              /* per target at the current assessment */
    double *hu;
    const onc_lesion_record **nt_record;
} response_patient_work;

static size_t response_find_target(const response_patient_work *w, const char *id)
{
    size_t lo = 0, hi = w->n_targets;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->targets[mid].baseline->lesion, id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static size_t response_find_nontarget(const response_patient_work *w, const char *id)
{
    size_t lo = 0, hi = w->n_nontargets;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->nontargets[mid], id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static int response_cmp_organ(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;

    return strcasecmp(x ? x : "", y ? y : "");
}

/* Baseline: targets, non-targets, and the selection checks. */
static onc_status response_baseline(response_patient_work *w,
                                    const response_key *k, size_t nb,
                                    onc_response_patient *p, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN];
    const response_criteria *crit = w->crit;
    const char **organs = NULL;
    size_t i;
    onc_status st = ONC_OK;

    for (i = 0; i < nb; i++) {
        const onc_lesion_record *r = k[i].r;
        if (!response_in_scope(r, w->opt->organ))
            continue;
        if (r->kind == ONC_LESION_TARGET) {
            double v = crit->measurement(r);
            char buf[RESPONSE_ISSUE_LEN];
            if (isnan(v))
                return onc_error_set(err, ONC_ERR_DATA, NULL, response_row(&k[i]), 0,
                                     crit->measure_name,
                                     "target lesion '%s' of patient '%s' has no "
                                     "%s at baseline", r->lesion, r->patient,
                                     crit->measure_name);
            w->targets[w->n_targets].baseline = r;
            w->targets[w->n_targets].value = v;
            w->n_targets++;
            if (crit->baseline_issue(r, buf, sizeof buf) &&
                (st = response_issue(p, err, "%s", buf)) != ONC_OK)
                return st;
        } else if (r->kind == ONC_LESION_NONTARGET) {
            w->nontargets[w->n_nontargets++] = r->lesion;
        } else if ((st = response_issue(p, err, "lesion '%s' is marked new at the "
                                        "baseline assessment (%s); ignored",
                                        r->lesion, response_day(w->opt, r->day, d1)))
                   != ONC_OK) {
            return st;
        }
    }

    if (w->n_targets > crit->max_targets &&
        (st = response_issue(p, err, "%zu target lesions at baseline; %s allows "
                             "at most %zu", w->n_targets, crit->name,
                             crit->max_targets)) != ONC_OK)
        return st;
    if (w->n_targets > crit->max_per_organ) {
        size_t run = 1;
        organs = onc_mallocarray(w->n_targets, sizeof *organs);
        if (organs == NULL)
            return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                                 "out of memory");
        for (i = 0; i < w->n_targets; i++)
            organs[i] = w->targets[i].baseline->organ;
        qsort(organs, w->n_targets, sizeof *organs, response_cmp_organ);
        for (i = 1; i <= w->n_targets && st == ONC_OK; i++) {
            if (i < w->n_targets && response_cmp_organ(&organs[i], &organs[i - 1]) == 0) {
                run++;
                continue;
            }
            if (run > crit->max_per_organ)
                st = response_issue(p, err, "%zu target lesions in %s at "
                                    "baseline; %s allows at most %zu per organ",
                                    run, organs[i - 1] ? organs[i - 1] : "an unrecorded organ",
                                    crit->name, crit->max_per_organ);
            run = 1;
        }
        free(organs);
        if (st != ONC_OK)
            return st;
    }
    if (w->n_targets == 0 && w->n_nontargets == 0)
        return response_issue(p, err, "missing baseline: no target or non-target "
                              "lesion%s%s at the baseline assessment (%s)",
                              w->opt->organ ? " in " : "",
                              w->opt->organ ? w->opt->organ : "",
                              response_day(w->opt, p->baseline_day, d1));
    if (w->n_targets == 0)
        return response_issue(p, err, "no target lesion at baseline: response "
                              "from non-target and new lesions only");
    return ONC_OK;
}

/* One follow-up assessment: k[0..nd) are its records. */
static onc_status response_followup(response_patient_work *w,
                                    const response_key *k, size_t nd,
                                    onc_response_patient *p,
                                    onc_response_assessment *a, double *nadir,
                                    onc_response *last, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN];
    const response_criteria *crit = w->crit;
    response_timepoint tp;
    size_t i, n_hu = 0, n_base_hu = 0;
    double hu_sum = 0.0, base_hu_sum = 0.0;
    int all_resolved = 1, any_unresolved = 0, nt_absent = 1, nt_missing = 0, nt_pd = 0;
    onc_status st;

    memset(&tp, 0, sizeof tp);
    for (i = 0; i < w->n_targets; i++) {
        w->value[i] = NAN;
        w->hu[i] = NAN;
    }
    for (i = 0; i < w->n_nontargets; i++)
        w->nt_record[i] = NULL;

    for (i = 0; i < nd; i++) {
        const onc_lesion_record *r = k[i].r;
        size_t t;
        if (!response_in_scope(r, w->opt->organ)) {
            if (r->kind == ONC_LESION_NEW && r->organ == NULL &&
                (st = response_issue(p, err, "new lesion '%s' at %s has no "
                                     "organ: not counted for %s", r->lesion,
                                     response_day(w->opt, r->day, d1),
                                     w->opt->organ)) != ONC_OK)
                return st;
            continue;
        }
        if (r->kind == ONC_LESION_NEW) {
            if (tp.new_lesion == NULL)
                tp.new_lesion = r->lesion;
            continue;
        }
        if ((t = response_find_target(w, r->lesion)) != SIZE_MAX) {
            if (r->kind != ONC_LESION_TARGET &&
                (st = response_issue(p, err, "lesion '%s' is a target at baseline "
                                     "but not at %s; its measurement is used",
                                     r->lesion, response_day(w->opt, r->day, d1))) != ONC_OK)
                return st;
            w->value[t] = crit->measurement(r);
            w->hu[t] = r->attenuation;
            if (!isnan(w->value[t])) {
                if (crit->resolved(r))
                    continue;
                any_unresolved = 1;
            }
            continue;
        }
        if ((t = response_find_nontarget(w, r->lesion)) != SIZE_MAX) {
            w->nt_record[t] = r;
            continue;
        }
        if ((st = response_issue(p, err, "lesion '%s' at %s was not recorded "
                                 "at baseline; ignored (a new lesion must be "
                                 "marked new)", r->lesion,
                                 response_day(w->opt, r->day, d1))) != ONC_OK)
            return st;
    }

    /* targets */
    tp.n_targets = w->n_targets;
    tp.baseline_sum = p->baseline_sum;
    tp.nadir = *nadir;
    for (i = 0; i < w->n_targets; i++) {
        const onc_lesion_record *b = w->targets[i].baseline;
        if (isnan(w->value[i])) {
            all_resolved = 0;
            if ((st = response_issue(p, err, "target lesion '%s' not measured at "
                                     "%s (NE unless PD)", b->lesion,
                                     response_day(w->opt, a->day, d1))) != ONC_OK)
                return st;
            continue;
        }
        tp.n_measured++;
        tp.sum += w->value[i];
        if (isfinite(w->hu[i]) && isfinite(b->attenuation)) {
            n_hu++;
            hu_sum += w->hu[i];
        }
        if (isfinite(b->attenuation)) {
            n_base_hu++;
            base_hu_sum += b->attenuation;
        }
    }
    if (any_unresolved)
        all_resolved = 0;
    tp.targets_resolved = w->n_targets > 0 && tp.n_measured == w->n_targets &&
                          all_resolved;
    if (tp.n_measured == 0)
        tp.sum = NAN;
    tp.change_baseline_pct = response_pct(tp.sum, tp.baseline_sum);
    tp.change_nadir_pct = response_pct(tp.sum, tp.nadir);
    tp.change_nadir_mm = tp.sum - tp.nadir;
    tp.attenuation = tp.baseline_attenuation = tp.attenuation_change_pct = NAN;
    if (w->n_targets > 0 && n_hu == w->n_targets && n_base_hu == w->n_targets) {
        tp.attenuation = hu_sum / (double)n_hu;
        tp.baseline_attenuation = base_hu_sum / (double)n_base_hu;
        if (tp.baseline_attenuation > 0.0)
            tp.attenuation_change_pct =
                response_pct(tp.attenuation, tp.baseline_attenuation);
    }

    /* non-targets */
    for (i = 0; i < w->n_nontargets; i++) {
        const onc_lesion_record *r = w->nt_record[i];
        if (r == NULL || r->nt_status == ONC_NT_NOT_ASSESSED) {
            nt_missing = 1;
            nt_absent = 0;
        } else if (r->nt_status == ONC_NT_UNEQUIVOCAL_PD) {
            nt_pd = 1;
        } else if (r->nt_status == ONC_NT_PRESENT) {
            nt_absent = 0;
        }
    }
    if (w->n_nontargets == 0)
        tp.nontarget = RESPONSE_NT_NONE;
    else if (nt_pd)
        tp.nontarget = RESPONSE_NT_PD;
    else if (nt_missing)
        tp.nontarget = RESPONSE_NT_NOT_ASSESSED;
    else if (nt_absent)
        tp.nontarget = RESPONSE_NT_ABSENT;
    else
        tp.nontarget = RESPONSE_NT_PRESENT;
    /* EORTC RECIST FAQ ("Does a new lesion always result in PD?"): after an
    ** overall CR at the previous assessment, any lesion that reappears is
    ** PD; a target node reappears at >= 10 mm (its "resolved" test). */
    tp.reappeared = *last == ONC_RESP_CR &&
                    (any_unresolved || tp.nontarget == RESPONSE_NT_PRESENT);

    a->response = crit->timepoint(&tp, a->rule, sizeof a->rule);
    a->n_targets = tp.n_targets;
    a->n_measured = tp.n_measured;
    a->nadir = tp.nadir;
    a->change_nadir_pct = tp.change_nadir_pct;
    a->change_nadir_mm = tp.change_nadir_mm;
    a->new_lesion = tp.new_lesion != NULL;
    if (w->n_targets > 0 && tp.n_measured == w->n_targets) {
        a->sum = tp.sum;
        a->change_baseline_pct = tp.change_baseline_pct;
        if (tp.sum < *nadir)
            *nadir = tp.sum;
    } else {
        a->sum = a->change_baseline_pct = NAN;
    }
    if (crit->uses_attenuation) {
        a->attenuation = tp.attenuation;
        a->attenuation_change_pct = tp.attenuation_change_pct;
    }
    if (a->response != ONC_RESP_NE)
        *last = a->response;
    return ONC_OK;
}

/*
** The first assessment j in (i, end) that confirms a[i] at `level`: at
** least `days` later and at `level` or better, with nothing worse than
** `level` in between (NE assessments neither confirm nor break).
*/
static size_t response_confirmation(const onc_response_assessment *a, size_t i,
                                    size_t end, onc_response level, double days)
{
    size_t j;

    for (j = i + 1; j < end; j++) {
        if (a[j].response == ONC_RESP_NE)
            continue;
        if (a[j].response > level)
            return SIZE_MAX;
        if (response_at_least(a[j].day - a[i].day, days))
            return j;
    }
    return SIZE_MAX;
}

/*
** Best overall response from the follow-ups a[0..n) (RECIST 1.1 section
** 4.4 and table 3), counting assessments up to the first PD.
*/
static void response_best(onc_response_patient *p, const onc_response_assessment *a,
                          size_t n, const onc_response_options *opt)
{
    char d1[RESPONSE_DAY_LEN], d2[RESPONSE_DAY_LEN];
    size_t i, j, end = n, early = SIZE_MAX;
    char *why = p->reason;
    size_t cap = sizeof p->reason;

    p->first_pd_day = NAN;
    p->best_change_pct = NAN;
    p->best_day = NAN;
    for (i = 0; i < n; i++)
        if (a[i].response == ONC_RESP_PD) {
            end = i + 1;
            p->first_pd_day = a[i].day;
            break;
        }
    for (i = 0; i < end; i++)
        if (isfinite(a[i].change_baseline_pct) &&
            (isnan(p->best_change_pct) || a[i].change_baseline_pct < p->best_change_pct))
            p->best_change_pct = a[i].change_baseline_pct;

    if (opt->confirm_days > 0.0) {
        for (i = 0; i < end; i++)
            if (a[i].response == ONC_RESP_CR &&
                (j = response_confirmation(a, i, end, ONC_RESP_CR, opt->confirm_days)) != SIZE_MAX) {
                p->best = ONC_RESP_CR;
                p->best_day = a[i].day;
                snprintf(why, cap, "CR at %s confirmed by CR at %s "
                         "(>= %g days later)", response_day(opt, a[i].day, d1),
                         response_day(opt, a[j].day, d2), opt->confirm_days);
                return;
            }
        for (i = 0; i < end; i++)
            if (a[i].response <= ONC_RESP_PR &&
                (j = response_confirmation(a, i, end, ONC_RESP_PR, opt->confirm_days)) != SIZE_MAX) {
                p->best = ONC_RESP_PR;
                p->best_day = a[i].day;
                snprintf(why, cap, "PR: %s at %s confirmed by %s at %s "
                         "(>= %g days later)", onc_response_name(a[i].response),
                         response_day(opt, a[i].day, d1),
                         onc_response_name(a[j].response),
                         response_day(opt, a[j].day, d2), opt->confirm_days);
                return;
            }
    } else {
        for (i = 0; i < end; i++)
            if (a[i].response == ONC_RESP_CR) {
                p->best = ONC_RESP_CR;
                p->best_day = a[i].day;
                snprintf(why, cap, "CR at %s (no confirmation required)",
                         response_day(opt, a[i].day, d1));
                return;
            }
        for (i = 0; i < end; i++)
            if (a[i].response == ONC_RESP_PR) {
                p->best = ONC_RESP_PR;
                p->best_day = a[i].day;
                snprintf(why, cap, "PR at %s (no confirmation required)",
                         response_day(opt, a[i].day, d1));
                return;
            }
    }

    /* Stable disease: any CR, PR or SD (an unconfirmed response counts as
    ** SD) far enough from baseline. */
    for (i = 0; i < end; i++) {
        if (a[i].response > ONC_RESP_SD)
            continue;
        if (!response_at_least(a[i].day - p->baseline_day, opt->min_sd_days)) {
            if (early == SIZE_MAX)
                early = i;
            continue;
        }
        p->best = ONC_RESP_SD;
        p->best_day = a[i].day;
        if (a[i].response == ONC_RESP_SD)
            snprintf(why, cap, "SD at %s%s", response_day(opt, a[i].day, d1),
                     opt->min_sd_days > 0.0 ? " (minimum duration met)" : "");
        else
            snprintf(why, cap, "SD: %s at %s not confirmed%s",
                     onc_response_name(a[i].response), response_day(opt, a[i].day, d1),
                     opt->min_sd_days > 0.0 ? " (minimum SD duration met)" : "");
        return;
    }
    if (end > 0 && a[end - 1].response == ONC_RESP_PD) {
        p->best = ONC_RESP_PD;
        p->best_day = a[end - 1].day;
        if (early != SIZE_MAX)
            snprintf(why, cap, "PD at %s; %s at %s was before the minimum "
                     "SD duration of %g days", response_day(opt, a[end - 1].day, d1),
                     onc_response_name(a[early].response),
                     response_day(opt, a[early].day, d2), opt->min_sd_days);
        else
            snprintf(why, cap, "PD at %s", response_day(opt, a[end - 1].day, d1));
        return;
    }
    p->best = ONC_RESP_NE;
    if (early != SIZE_MAX)
        snprintf(why, cap, "NE: %s at %s was before the minimum SD duration "
                 "of %g days and nothing later was evaluable",
                 onc_response_name(a[early].response),
                 response_day(opt, a[early].day, d1), opt->min_sd_days);
    else if (n == 0)
        snprintf(why, cap, "NE: no assessment after baseline");
    else
        snprintf(why, cap, "NE: no evaluable assessment after baseline");
}

/*
** How many of a patient's records k[0..nk) (sorted by day) form the
** baseline under opt->baseline; they are always the first *nb.  Under
** ONC_BASELINE_FLAG, a flagged record on or after the day of an unflagged
** one is an error: the flags contradict the days.
*/
static onc_status response_split_baseline(const onc_response_options *opt,
                                          const response_key *k, size_t nk,
                                          size_t *nb, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN], d2[RESPONSE_DAY_LEN];
    size_t i, last_base = SIZE_MAX, first_fu = SIZE_MAX;

    *nb = 0;
    switch (opt->baseline) {
    case ONC_BASELINE_EARLIEST:
        while (*nb < nk && k[*nb].r->day == k[0].r->day)
            (*nb)++;
        return ONC_OK;
    case ONC_BASELINE_DAY:
        while (*nb < nk && k[*nb].r->day <= 0.0)
            (*nb)++;
        return ONC_OK;
    case ONC_BASELINE_FLAG:
        break;
    }
    for (i = 0; i < nk; i++) {
        if (k[i].r->is_baseline) {
            last_base = i;
            (*nb)++;
        } else if (first_fu == SIZE_MAX) {
            first_fu = i;
        }
    }
    if (last_base != SIZE_MAX && first_fu != SIZE_MAX &&
        k[last_base].r->day >= k[first_fu].r->day)
        return onc_error_set(err, ONC_ERR_DATA, NULL, response_row(&k[last_base]),
                             0, "baseline", "patient '%s': lesion '%s' is marked "
                             "baseline at %s, but lesion '%s' (row %zu) is a "
                             "follow-up record at %s; baseline records must "
                             "precede every follow-up", k[last_base].r->patient,
                             k[last_base].r->lesion,
                             response_day(opt, k[last_base].r->day, d1),
                             k[first_fu].r->lesion, response_row(&k[first_fu]),
                             response_day(opt, k[first_fu].r->day, d2));
    return ONC_OK;
}

/*
** A patient with records but no baseline (DAY or FLAG rule): the targets
** are unknown, so every assessment is NE.  Re-basing on the first
** follow-up would hide the gap and overstate the response.
*/
static onc_status response_no_baseline(const onc_response_options *opt,
                                       const response_key *k, size_t nk,
                                       onc_response_patient *p,
                                       size_t patient_index,
                                       onc_response_assessment *a, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN];
    size_t i, n_days = 0;

    p->missing_baseline = 1;
    p->baseline_day = p->baseline_sum = NAN;
    p->best = ONC_RESP_NE;
    p->best_day = p->best_change_pct = p->first_pd_day = NAN;
    for (i = 0; i < nk; i++) {
        onc_response_assessment *cur = &a[n_days];
        if (i == 0 || k[i].r->day != k[i - 1].r->day) {
            memset(cur, 0, sizeof *cur);
            cur->patient = patient_index;
            cur->day = k[i].r->day;
            cur->sum = cur->change_baseline_pct = cur->nadir = NAN;
            cur->change_nadir_pct = cur->change_nadir_mm = NAN;
            cur->attenuation = cur->attenuation_change_pct = NAN;
            cur->response = ONC_RESP_NE;
            snprintf(cur->rule, sizeof cur->rule, "NE: missing baseline");
            n_days++;
        }
        if (k[i].r->kind == ONC_LESION_NEW && response_in_scope(k[i].r, opt->organ))
            a[n_days - 1].new_lesion = 1;
    }
    p->n_assessments = n_days;
    snprintf(p->reason, sizeof p->reason, "NE: missing baseline (first "
             "assessment at %s is a follow-up)", response_day(opt, k[0].r->day, d1));
    return response_issue(p, err, "missing baseline: %s (first assessment at "
                          "%s); every assessment is NE",
                          opt->baseline == ONC_BASELINE_DAY
                              ? "no assessment at day <= 0"
                              : "no record flagged as baseline",
                          d1);
}

/*
** The baseline records k[0..nb) spread over several days: one record per
** lesion, the latest, written to out[0..*n_out) sorted by lesion.
*/
static onc_status response_merge_baseline(const onc_response_options *opt,
                                          const response_key *k, size_t nb,
                                          response_key *out, size_t *n_out,
                                          onc_response_patient *p, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN], d2[RESPONSE_DAY_LEN];
    size_t i, n = 0;
    onc_status st;

    memcpy(out, k, nb * sizeof *out);
    qsort(out, nb, sizeof *out, response_cmp_lesion_day);
    for (i = 0; i < nb; i++) {
        if (i + 1 < nb && strcmp(out[i].r->lesion, out[i + 1].r->lesion) == 0) {
            if ((st = response_issue(p, err, "lesion '%s' is recorded at baseline "
                                     "on %s and %s; the later record "
                                     "is used", out[i].r->lesion,
                                     response_day(opt, out[i].r->day, d1),
                                     response_day(opt, out[i + 1].r->day, d2))) != ONC_OK)
                return st;
            continue;
        }
        out[n++] = out[i];
    }
    *n_out = n;
    return ONC_OK;
}

/* All records of one patient, k[0..nk) sorted by day and lesion; the
** patient's assessments go to a[0..). */
static onc_status response_patient(const response_criteria *crit,
                                   const onc_response_options *opt,
                                   const response_key *k, size_t nk,
                                   onc_response_patient *p, size_t patient_index,
                                   onc_response_assessment *a, onc_error *err)
{
    response_patient_work w;
    response_key *merged = NULL;
    size_t nb = 0, n_base, i, n_fu = 0;
    double nadir;
    onc_response last = ONC_RESP_NE;    /* latest evaluable time point */
    onc_status st = ONC_OK;

    memset(&w, 0, sizeof w);
    w.crit = crit;
    w.opt = opt;
    if ((st = response_split_baseline(opt, k, nk, &nb, err)) != ONC_OK)
        return st;
    if (nb == 0)
        return response_no_baseline(opt, k, nk, p, patient_index, a, err);
    p->baseline_day = k[nb - 1].r->day;
    w.targets = onc_mallocarray(nb, sizeof *w.targets);
    w.nontargets = onc_mallocarray(nb, sizeof *w.nontargets);
    w.value = onc_mallocarray(nb, sizeof *w.value);
    w.hu = onc_mallocarray(nb, sizeof *w.hu);
    w.nt_record = onc_mallocarray(nb, sizeof *w.nt_record);
    if (w.targets == NULL || w.nontargets == NULL || w.value == NULL ||
        w.hu == NULL || w.nt_record == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
        goto cleanup;
    }
    if (k[0].r->day != p->baseline_day) {
        merged = onc_mallocarray(nb, sizeof *merged);
        if (merged == NULL) {
            st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
            goto cleanup;
        }
        if ((st = response_merge_baseline(opt, k, nb, merged, &n_base, p, err)) != ONC_OK)
            goto cleanup;
        st = response_baseline(&w, merged, n_base, p, err);
    } else {
        st = response_baseline(&w, k, nb, p, err);
    }
    if (st != ONC_OK)
        goto cleanup;

    /* the baseline assessment */
    p->baseline_sum = NAN;
    if (w.n_targets > 0) {
        p->baseline_sum = 0.0;
        for (i = 0; i < w.n_targets; i++)
            p->baseline_sum += w.targets[i].value;
    }
    a[0].patient = patient_index;
    a[0].day = p->baseline_day;
    a[0].is_baseline = 1;
    a[0].n_targets = a[0].n_measured = w.n_targets;
    a[0].sum = p->baseline_sum;
    a[0].change_baseline_pct = w.n_targets > 0 ? 0.0 : NAN;
    a[0].nadir = a[0].change_nadir_pct = a[0].change_nadir_mm = NAN;
    a[0].attenuation = a[0].attenuation_change_pct = NAN;
    if (crit->uses_attenuation && w.n_targets > 0) {
        double s = 0.0;
        for (i = 0; i < w.n_targets && isfinite(w.targets[i].baseline->attenuation); i++)
            s += w.targets[i].baseline->attenuation;
        if (i == w.n_targets) {
            a[0].attenuation = s / (double)w.n_targets;
            a[0].attenuation_change_pct = 0.0;
        }
    }
    a[0].response = ONC_RESP_NE;
    snprintf(a[0].rule, sizeof a[0].rule, "baseline");

    nadir = p->baseline_sum;
    for (i = nb; i < nk;) {
        size_t j = i;
        onc_response_assessment *cur = &a[1 + n_fu];
        while (j < nk && k[j].r->day == k[i].r->day)
            j++;
        cur->patient = patient_index;
        cur->day = k[i].r->day;
        cur->attenuation = cur->attenuation_change_pct = NAN;
        if ((st = response_followup(&w, k + i, j - i, p, cur, &nadir, &last,
                                    err)) != ONC_OK)
            goto cleanup;
        n_fu++;
        i = j;
    }
    p->n_assessments = 1 + n_fu;
    response_best(p, a + 1, n_fu, opt);

cleanup:
    free(merged);
    free(w.targets);
    free(w.nontargets);
    free(w.value);
    free(w.hu);
    free(w.nt_record);
    return st;
}

/* ---- the whole study ---- */

typedef struct response_group {
    size_t start, end;          /* range in the sorted keys */
    size_t first;               /* earliest input position */
    size_t n_days;
} response_group;

static int response_cmp_group(const void *a, const void *b)
{
    const response_group *x = a, *y = b;

    return (x->first > y->first) - (x->first < y->first);
}

void onc_response_free(onc_response_result *result)
{
    size_t i, j;

    if (result == NULL)
        return;
    for (i = 0; i < result->n_patients && result->patients != NULL; i++) {
        onc_response_patient *p = &result->patients[i];
        free(p->patient);
        for (j = 0; j < p->n_issues; j++)
            free(p->issues[j]);
        free(p->issues);
    }
    free(result->patients);
    free(result->assessments);
    free(result->organ);
    free(result);
}

/*
** Tumour response of every patient.
** Method: the criteria of oncostat/response.h (RECIST 1.1, mRECIST, Choi)
**   applied per assessment, then the best overall response (RECIST 1.1
**   section 4.4: without confirmation the best time-point response up to
**   the first PD, SD only after opt->min_sd_days; with confirmation
**   table 3 as detailed in docs/methods/response.md).
** Inputs: rec[n] lesion records in any order; opt.
** Output: *out (caller frees with onc_response_free).
** NaN policy: a NaN measurement is "not measured"; a target not measured
**   makes its assessment NE unless the measured ones already show PD.
*/
onc_status onc_response_evaluate(const onc_lesion_record *rec, size_t n,
                                 const onc_response_options *opt,
                                 onc_response_result **out, onc_error *err)
{
    char d1[RESPONSE_DAY_LEN];
    const response_criteria *crit = NULL;
    response_key *keys = NULL;
    response_group *groups = NULL;
    onc_response_result *res = NULL;
    size_t i, g, n_groups = 0, n_assess = 0, pos;
    onc_status st = ONC_OK;

    if (out == NULL || opt == NULL || (rec == NULL && n > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing records, options or result pointer");
    *out = NULL;
    switch (opt->criteria) {
    case ONC_CRITERIA_RECIST11: crit = recist_criteria(); break;
    case ONC_CRITERIA_MRECIST: crit = mrecist_criteria(); break;
    case ONC_CRITERIA_CHOI: crit = choi_criteria(); break;
    }
    if (crit == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown response criteria %d", (int)opt->criteria);
    if (!(opt->confirm_days >= 0.0 && isfinite(opt->confirm_days)) ||
        !(opt->min_sd_days >= 0.0 && isfinite(opt->min_sd_days)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confirmation and minimum SD durations must be "
                             "0 or more days (got %g and %g)",
                             opt->confirm_days, opt->min_sd_days);
    if (opt->baseline != ONC_BASELINE_EARLIEST && opt->baseline != ONC_BASELINE_DAY &&
        opt->baseline != ONC_BASELINE_FLAG)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown baseline rule %d", (int)opt->baseline);

    keys = onc_mallocarray(n ? n : 1, sizeof *keys);
    if (keys == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        if ((st = response_check_record(&rec[i], rec[i].source_row ? rec[i].source_row : i + 1,
                                        err)) != ONC_OK)
            goto cleanup;
        keys[i].r = &rec[i];
        keys[i].index = i;
    }
    qsort(keys, n, sizeof *keys, response_cmp_key);

    for (i = 0; i < n; i++) {
        if (i > 0 && strcmp(keys[i].r->patient, keys[i - 1].r->patient) == 0 &&
            keys[i].r->day == keys[i - 1].r->day &&
            strcmp(keys[i].r->lesion, keys[i - 1].r->lesion) == 0) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, response_row(&keys[i]), 0,
                               "lesion", "lesion '%s' of patient '%s' appears "
                               "twice at %s (also at row %zu)",
                               keys[i].r->lesion, keys[i].r->patient,
                               response_day(opt, keys[i].r->day, d1),
                               response_row(&keys[i - 1]));
            goto cleanup;
        }
        if (i == 0 || strcmp(keys[i].r->patient, keys[i - 1].r->patient) != 0)
            n_groups++;
    }
    groups = onc_callocarray(n_groups, sizeof *groups);
    if (groups == NULL)
        goto nomem;
    for (i = 0, g = 0; i < n; i++) {
        if (i == 0 || strcmp(keys[i].r->patient, keys[i - 1].r->patient) != 0) {
            if (i > 0)
                g++;
            groups[g].start = i;
            groups[g].first = keys[i].index;
        }
        groups[g].end = i + 1;
        if (keys[i].index < groups[g].first)
            groups[g].first = keys[i].index;
        if (i == groups[g].start || keys[i].r->day != keys[i - 1].r->day)
            groups[g].n_days++;
    }
    qsort(groups, n_groups, sizeof *groups, response_cmp_group);
    for (g = 0; g < n_groups; g++)
        n_assess += groups[g].n_days;

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto nomem;
    res->criteria = opt->criteria;
    res->baseline = opt->baseline;
    res->confirm_days = opt->confirm_days;
    res->min_sd_days = opt->min_sd_days;
    if (opt->organ != NULL && (res->organ = onc_strdup(opt->organ)) == NULL)
        goto nomem;
    res->patients = onc_callocarray(n_groups, sizeof *res->patients);
    res->assessments = onc_callocarray(n_assess, sizeof *res->assessments);
    if (res->patients == NULL || res->assessments == NULL)
        goto nomem;
    res->n_patients = n_groups;
    res->n_assessments = n_assess;

    for (g = 0, pos = 0; g < n_groups; g++) {
        onc_response_patient *p = &res->patients[g];
        p->patient = onc_strdup(keys[groups[g].start].r->patient);
        if (p->patient == NULL)
            goto nomem;
        p->first_assessment = pos;
        if ((st = response_patient(crit, opt, keys + groups[g].start,
                                   groups[g].end - groups[g].start, p, g,
                                   res->assessments + pos, err)) != ONC_OK)
            goto cleanup;
        pos += p->n_assessments;
        res->best_count[p->best]++;
    }
    /* Baseline records on several days merge into one assessment, so
    ** fewer assessments than days may have been used. */
    res->n_assessments = pos;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for %zu lesion records", n);
cleanup:
    free(keys);
    free(groups);
    if (st != ONC_OK)
        onc_response_free(res);
    else
        *out = res;
    return st;
}
