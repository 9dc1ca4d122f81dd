/*
** methods.c -- the statistical-methods paragraph of the report, written
** from what was actually run: the endpoints and their definitions, the
** estimators, the confidence-interval methods, the tests, the models and
** their covariates, the response criteria and the software version.
** Nothing is said about an analysis the plan did not ask for.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/date.h"
#include "report/report_internal.h"

#define EN_DASH "\xe2\x80\x93"

/* Text, escaped for HTML when html is set. */
static void put(FILE *fp, int html, const char *s)
{
    for (; *s; s++) {
        if (html && *s == '<')
            fputs("&lt;", fp);
        else if (html && *s == '>')
            fputs("&gt;", fp);
        else if (html && *s == '&')
            fputs("&amp;", fp);
        else
            fputc(*s, fp);
    }
}

static void putf(FILE *fp, int html, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void putf(FILE *fp, int html, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(fp, html, buf);
}

static const char *variable_name(const onc_report *r, const char *column)
{
    const onc_plan *p = r->plan;
    size_t k;

    for (k = 0; k < p->n_baseline; k++)
        if (p->baseline[k].label && strcmp(p->baseline[k].variable.text, column) == 0)
            return p->baseline[k].label;
    for (k = 0; k < p->n_subgroup_vars; k++)
        if (p->subgroup_vars[k].label && strcmp(p->subgroup_vars[k].variable.text, column) == 0)
            return p->subgroup_vars[k].label;
    if (strcmp(column, p->arm_column.text) == 0)
        return "treatment";
    return column;
}

static const char *lower_first(const char *s, char *buf, size_t cap);
static const char *short_name(const char *s, char *buf, size_t cap);

/* "progression or death": the event labels joined with commas and "or". */
static void event_list(FILE *fp, int html, const onc_plan_endpoint *e)
{
    char buf[256];
    size_t k;

    for (k = 0; k < e->n_events; k++) {
        const char *label = e->events[k].label ? e->events[k].label : e->events[k].column.text;
        if (k > 0)
            put(fp, html, k + 1 == e->n_events ? " or " : ", ");
        put(fp, html, lower_first(label, buf, sizeof buf));
    }
}

static const char *lower_first(const char *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", s);
    /* "ECOG" stays upper case; "Age, years" becomes "age". */
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* A variable's label without its unit: "Age, years" reads "age". */
static const char *short_name(const char *s, char *buf, size_t cap)
{
    char *comma;

    lower_first(s, buf, cap);
    comma = strchr(buf, ',');
    if (comma != NULL)
        *comma = '\0';
    return buf;
}

onc_status onc_report_write_methods(const onc_report *r, int html, FILE *fp)
{
    const onc_plan *p = r->plan;
    size_t k, j;
    int pct = (int)(100 * p->conf_level + 0.5);
    const char *conf = p->conf_type == 1 ? "log-log" : p->conf_type == 2 ? "linear" : "log";
    char buf[256];
    int any_km = 0;

    for (k = 0; k < r->n_endpoints; k++)
        any_km |= r->endpoints[k].km_shown;
    if (html)
        fputs("<p>", fp);
    /* Population. */
    putf(fp, html, "All %zu patients of the data set were screened", r->flow->n_screened);
    if (p->n_eligibility > 0) {
        put(fp, html, "; patients were excluded, in this order, for ");
        for (k = 0; k < p->n_eligibility; k++)
            putf(fp, html, "%s%s", k == 0 ? "" : k + 1 == p->n_eligibility ? " or " : ", ",
                 lower_first(p->eligibility[k].reason, buf, sizeof buf));
        put(fp, html, ", each patient under the first reason that applied; a patient whose "
                      "eligibility could not be assessed because of a missing value was excluded "
                      "and counted separately");
    }    put(fp, html, ". Patients were analysed in the treatment arm recorded in the data. ");
    /* Endpoints. */
    if (r->n_endpoints > 0) {
        put(fp, html, "Time-to-event endpoints were derived from dates");
        if (p->time_zero_label)
            putf(fp, html, ", from the %s", p->time_zero_label);
        else if (p->time_zero.text)
            putf(fp, html, ", from the date in '%s'", p->time_zero.text);
        put(fp, html, ": ");
        for (k = 0; k < r->n_endpoints; k++) {
            const report_endpoint *e = &r->endpoints[k];
            const onc_plan_endpoint *pe = e->plan;
            putf(fp, html, "%s%s (%s) was the time to ", k ? "; " : "",
                 lower_first(pe->label ? pe->label : pe->name, buf, sizeof buf), pe->name);
            event_list(fp, html, pe);
            if (pe->n_events > 1)
                put(fp, html, ", whichever came first");
            if (pe->censor.text)
                putf(fp, html, ", censored at the date in '%s'", pe->censor.text);
        }
        put(fp, html, ". ");
        if (!isnan(p->cutoff)) {
            char d[16];
            onc_date_format(p->cutoff, d, sizeof d);
            putf(fp, html, "Events after the data cut-off of %s were censored at the cut-off. ", d);
        }
        putf(fp, html, "Times are in %s (a month is 30.4375 days). ", onc_time_unit_name(p->unit));
    }
    if (r->table1 != NULL && p->baseline_compare != ONC_TABLE1_COMPARE_NONE && r->n_arms >= 2) {
        /* Name only the tests that were used. */
        int used[8] = {0}, n_used = 0, t;
        static const char *const phrase[8] = {
            NULL, "Pearson's chi-square test, or Fisher's exact test when an expected count was "
                  "below 5 (categories)", NULL, "the Wilcoxon rank-sum test (medians)",
            "the Kruskal" EN_DASH "Wallis test (medians)", "Welch's t-test (means)",
            "one-way analysis of variance (means)", NULL};
        for (k = 0; k < r->table1->n_rows; k++) {
            t = (int)r->table1->rows[k].test;
            if (t == ONC_TEST_FISHER)
                t = ONC_TEST_CHISQ;
            used[t] = 1;
        }
        put(fp, html, "Baseline characteristics were compared between arms");
        if (p->baseline_compare != ONC_TABLE1_COMPARE_SMD) {
            int total = 0;
            for (t = 1; t < 8; t++)
                total += used[t] && phrase[t] != NULL;
            put(fp, html, " with ");
            for (t = 1; t < 8; t++) {
                if (!used[t] || phrase[t] == NULL)
                    continue;
                if (n_used > 0)
                    put(fp, html, n_used + 1 == total ? " and " : ", ");
                put(fp, html, phrase[t]);
                n_used++;
            }
        }
        if (p->baseline_compare != ONC_TABLE1_COMPARE_P)
            put(fp, html, p->baseline_compare == ONC_TABLE1_COMPARE_SMD
                          ? " by standardised mean differences, averaged over the pairs of arms"
                          : "; standardised mean differences are averaged over the pairs of arms");
        put(fp, html, ". ");
    }
    if (any_km) {
        putf(fp, html, "Survival was estimated with the Kaplan" EN_DASH "Meier method; %d%% confidence "
                       "intervals (CIs) for survival rates used the %s transformation of the Greenwood "
                       "variance, and CIs for medians the method of Brookmeyer and Crowley with the same "
                       "transformation. Survival was compared between arms with the log-rank test", pct, conf);
        if (r->n_arms > 2)
            put(fp, html, " across all arms");
        put(fp, html, ". ");
    }
    if (r->n_arms >= 2 && r->n_endpoints > 0) {
        putf(fp, html, "Hazard ratios (HRs) with %d%% Wald CIs were estimated with Cox proportional "
                       "hazards models with %s's method for ties, with %s as reference",
             pct, p->cox_ties == 1 ? "Breslow" : "Efron",
             lower_first(r->arm_label[r->reference], buf, sizeof buf));
        for (k = 0; k < r->n_cox_sets; k++) {
            const report_cox_set *cs = &r->cox_sets[k];
            if (cs->n_univariable > 0)
                put(fp, html, "; each candidate variable was first entered alone");
            if (cs->has_adjusted) {
                put(fp, html, ", and the multivariable model included ");
                for (j = 0; j < p->n_cox_adjusted; j++)
                    putf(fp, html, "%s%s", j == 0 ? "" : j + 1 == p->n_cox_adjusted ? " and " : ", ",
                         short_name(variable_name(r, p->cox_adjusted[j].text), buf, sizeof buf));
                put(fp, html, " (complete cases)");
            }
            break;
        }
        put(fp, html, ". ");
    }
    if (r->n_forests > 0) {
        put(fp, html, "Treatment effects in subgroups were estimated with Cox models within each "
                      "subgroup, and their heterogeneity was tested with a likelihood-ratio test of the "
                      "treatment-by-subgroup interaction. ");
    }
    if (r->n_responses > 0) {
        put(fp, html, "Tumour response was assessed with ");
        for (k = 0; k < r->n_responses; k++)
            putf(fp, html, "%s%s", k == 0 ? "" : k + 1 == r->n_responses ? " and " : ", ",
                 onc_plan_criteria_name(r->responses[k].criteria));
        put(fp, html, " criteria");
        if (p->response_organ.text)
            putf(fp, html, " on %s lesions", p->response_organ.text);
        if (p->confirm_days > 0)
            putf(fp, html, "; complete and partial responses required confirmation at least %g days later",
                 p->confirm_days);
        if (p->min_sd_days > 0)
            putf(fp, html, "; stable disease counted as best response only at least %g days after baseline",
                 p->min_sd_days);
        putf(fp, html, ". Objective response (complete or partial response) and disease control (plus "
                       "stable disease) rates are given with exact Clopper" EN_DASH "Pearson %d%% CIs and were "
                       "compared with Fisher's exact test. ", pct);
    }
    if (r->ae != NULL)
        put(fp, html, "Adverse events were graded with the Common Terminology Criteria for Adverse Events "
                      "(CTCAE); each patient was counted once per term, at the worst grade. ");
    putf(fp, html, "All tests were two-sided, P < 0.05 was considered significant and no adjustment was made "
                   "for multiple comparisons. Analyses were performed with oncostat version %s, whose "
                   "estimators are validated against R (survival 3.5-3).", ONC_VERSION);
    if (html)
        fputs("</p>", fp);
    fputc('\n', fp);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}
