/*
** results_json.c -- results.json: every number of the report at full
** precision (shortest round-trip decimal form; NaN and infinities as null),
** under keys that follow the individual commands (`oncostat km` writes
** "median": {"estimate", "lower", "upper"} and so does this file), so that
** a program can check one against the other.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/render.h"
#include "oncostat/date.h"
#include "report/report_internal.h"

static void key_str(onc_json *j, const char *key, const char *value)
{
    onc_json_key(j, key);
    onc_json_string(j, value);
}

static void key_num(onc_json *j, const char *key, double value)
{
    onc_json_key(j, key);
    onc_json_number(j, value);
}

static void key_int(onc_json *j, const char *key, long long value)
{
    onc_json_key(j, key);
    onc_json_integer(j, value);
}

static void key_bool(onc_json *j, const char *key, int value)
{
    onc_json_key(j, key);
    onc_json_bool(j, value);
}

static void estimate_ci(onc_json *j, const char *key, double est, double lo, double hi)
{
    onc_json_key(j, key);
    onc_json_object_begin(j);
    key_num(j, "estimate", est);
    key_num(j, "lower", lo);
    key_num(j, "upper", hi);
    onc_json_object_end(j);
}

static const char *summary_name(onc_table1_summary s)
{
    switch (s) {
    case ONC_TABLE1_MEDIAN_IQR: return "median_iqr";
    case ONC_TABLE1_MEAN_SD: return "mean_sd";
    case ONC_TABLE1_COUNT: return "n_percent";
    default: return "auto";
    }
}

static const char *compare_name(onc_table1_compare c)
{
    switch (c) {
    case ONC_TABLE1_COMPARE_SMD: return "smd";
    case ONC_TABLE1_COMPARE_BOTH: return "both";
    case ONC_TABLE1_COMPARE_NONE: return "none";
    default: return "p";
    }
}

static void write_flow(onc_json *j, const onc_report *r)
{
    const onc_flow *f = r->flow;
    size_t k, q;

    onc_json_key(j, "flow");
    onc_json_object_begin(j);
    key_int(j, "screened", (long long)f->n_screened);
    key_int(j, "excluded", (long long)f->n_excluded);
    key_int(j, "analysed", (long long)f->n_eligible);
    onc_json_key(j, "reasons");
    onc_json_array_begin(j);
    for (k = 0; k < f->n_reasons; k++) {
        const onc_flow_reason *why = &f->reasons[k];
        onc_json_object_begin(j);
        key_str(j, "reason", why->reason);
        onc_json_key(j, "criterion");
        if (why->criterion >= 0)
            onc_json_string(j, r->plan->eligibility[why->criterion].criterion.text);
        else
            onc_json_null(j);
        key_bool(j, "missing_value", why->missing);
        key_int(j, "count", (long long)why->count);
        onc_json_key(j, "rows");
        onc_json_array_begin(j);
        for (q = 0; q < why->n_rows; q++)
            onc_json_integer(j, (long long)why->rows[q]);
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_arms; k++) {
        onc_json_object_begin(j);
        key_str(j, "arm", r->arm_value[k]);
        key_str(j, "label", r->arm_label[k]);
        key_int(j, "n", (long long)f->arm_n[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void write_table1(onc_json *j, const onc_report *r)
{
    const onc_table1 *t = r->table1;
    size_t v, g, l, groups;

    onc_json_key(j, "baseline");
    if (t == NULL) {
        onc_json_null(j);
        return;
    }
    groups = t->n_arms + 1;
    onc_json_object_begin(j);
    key_str(j, "compare", compare_name(r->plan->baseline_compare));
    onc_json_key(j, "variables");
    onc_json_array_begin(j);
    for (v = 0; v < t->n_rows; v++) {
        const onc_table1_row *row = &t->rows[v];
        onc_json_object_begin(j);
        key_str(j, "column", row->column);
        key_str(j, "label", row->label);
        key_str(j, "type", onc_coltype_name(row->type));
        key_str(j, "summary", summary_name(row->summary));
        onc_json_key(j, "groups");
        onc_json_array_begin(j);
        for (g = 0; g < groups; g++) {
            onc_json_object_begin(j);
            key_str(j, "arm", g < t->n_arms ? r->arm_value[g] : "all");
            key_int(j, "n", (long long)row->n[g]);
            key_int(j, "missing", (long long)row->missing[g]);
            if (row->summary != ONC_TABLE1_COUNT) {
                key_num(j, "median", row->median[g]);
                key_num(j, "q1", row->q1[g]);
                key_num(j, "q3", row->q3[g]);
                key_num(j, "mean", row->mean[g]);
                key_num(j, "sd", row->sd[g]);
                key_num(j, "min", row->min[g]);
                key_num(j, "max", row->max[g]);
            }
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        if (row->summary == ONC_TABLE1_COUNT) {
            onc_json_key(j, "levels");
            onc_json_array_begin(j);
            for (l = 0; l < row->n_levels; l++) {
                onc_json_object_begin(j);
                key_str(j, "level", row->levels[l]);
                onc_json_key(j, "counts");
                onc_json_array_begin(j);
                for (g = 0; g < groups; g++)
                    onc_json_integer(j, (long long)row->counts[l * groups + g]);
                onc_json_array_end(j);
                onc_json_object_end(j);
            }
            onc_json_array_end(j);
        }
        key_str(j, "test", row->test == ONC_TEST_NONE ? NULL : onc_table1_test_name(row->test));
        key_num(j, "statistic", row->statistic);
        key_num(j, "df", row->df);
        key_num(j, "p", row->p_value);
        key_num(j, "smd", row->smd);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void write_cox_model(onc_json *j, const report_cox *c)
{
    size_t k;

    onc_json_object_begin(j);
    key_str(j, "formula", c->formula);
    key_str(j, "variable", c->variable);
    onc_json_exclusions(j, &c->excluded);
    key_bool(j, "fitted", c->fitted);
    key_str(j, "problem", c->problem);
    if (c->fitted) {
        key_int(j, "n", (long long)c->n);
        key_int(j, "events", (long long)c->events);
        key_bool(j, "converged", c->converged);
        key_bool(j, "monotone", c->monotone);
        key_num(j, "loglik", c->loglik);
        onc_json_key(j, "tests");
        onc_json_object_begin(j);
        onc_json_key(j, "lr");
        onc_json_object_begin(j);
        key_num(j, "stat", c->lr_stat);
        key_num(j, "df", c->lr_df);
        key_num(j, "p", c->lr_p);
        onc_json_object_end(j);
        key_num(j, "wald_p", c->wald_p);
        onc_json_object_end(j);
        onc_json_key(j, "concordance");
        onc_json_object_begin(j);
        key_num(j, "c", c->concordance);
        key_num(j, "se", c->concordance_se);
        onc_json_object_end(j);
        onc_json_key(j, "coefficients");
        onc_json_array_begin(j);
        for (k = 0; k < c->n_hr; k++) {
            const report_hr *h = &c->hr[k];
            onc_json_object_begin(j);
            key_str(j, "variable", h->variable);
            key_str(j, "label", h->label);
            key_str(j, "level", h->level);
            key_str(j, "reference", h->reference);
            key_num(j, "coef", h->coef);
            key_num(j, "se", h->se);
            key_num(j, "hr", h->hr);
            key_num(j, "lower", h->lower);
            key_num(j, "upper", h->upper);
            key_num(j, "p", h->p);
            key_bool(j, "infinite", h->infinite);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
    }
    onc_json_object_end(j);
}

static void write_endpoint(onc_json *j, const onc_report *r, const report_endpoint *e)
{
    const onc_km_fit *km = e->km;
    size_t g, k;
    char d[16];

    onc_json_object_begin(j);
    key_str(j, "name", e->plan->name);
    key_str(j, "label", e->plan->label ? e->plan->label : e->plan->name);
    key_str(j, "unit", onc_time_unit_name(e->unit));
    onc_json_key(j, "cutoff");
    if (isnan(e->cutoff)) {
        onc_json_null(j);
    } else {
        onc_date_format(e->cutoff, d, sizeof d);
        onc_json_string(j, d);
    }
    onc_json_exclusions(j, &e->excluded);
    onc_json_key(j, "notes");
    onc_json_array_begin(j);
    for (k = 0; k < e->derived->n_notes; k++) {
        onc_json_object_begin(j);
        key_int(j, "row", (long long)r->screen_row[e->derived->notes[k].row - 1]);
        key_str(j, "message", e->derived->notes[k].message);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "descriptions");
    onc_json_array_begin(j);
    for (k = 0; k < e->n_desc; k++) {
        onc_json_object_begin(j);
        key_str(j, "description", e->derived->descriptions[k]);
        onc_json_key(j, "counts");
        onc_json_array_begin(j);
        for (g = 0; g < r->n_arms; g++)
            onc_json_integer(j, (long long)e->desc_count[g * e->n_desc + k]);
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "km");
    onc_json_object_begin(j);
    key_str(j, "conf_type", km->conf_type == 1 ? "log-log" : km->conf_type == 2 ? "plain" : "log");
    key_num(j, "conf_level", km->conf_level);
    onc_json_key(j, "groups");
    onc_json_array_begin(j);
    for (g = 0; g < km->n_groups; g++) {
        const onc_km_curve *c = &km->curves[g];
        onc_json_object_begin(j);
        key_str(j, "arm", r->arm_value[g]);
        key_str(j, "label", r->arm_label[g]);
        key_int(j, "n", (long long)c->n);
        onc_json_key(j, "events");
        onc_json_count(j, c->events);
        estimate_ci(j, "median", c->median.estimate, c->median.lower, c->median.upper);
        onc_json_key(j, "quantiles");
        onc_json_array_begin(j);
        for (k = 0; k < c->n_quantiles; k++) {
            onc_json_object_begin(j);
            key_num(j, "p", c->quantiles[k].p);
            key_num(j, "estimate", c->quantiles[k].estimate);
            key_num(j, "lower", c->quantiles[k].lower);
            key_num(j, "upper", c->quantiles[k].upper);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_key(j, "at_times");
        onc_json_array_begin(j);
        for (k = 0; k < c->n_times; k++) {
            const onc_km_at_time *a = &c->at_times[k];
            onc_json_object_begin(j);
            key_num(j, "time", a->time);
            key_bool(j, "in_range", a->in_range);
            onc_json_key(j, "n_risk");
            onc_json_count(j, a->n_risk);
            onc_json_key(j, "n_event_cum");
            onc_json_count(j, a->n_event_cum);
            key_num(j, "surv", a->surv);
            key_num(j, "std_err", a->std_err);
            key_num(j, "lower", a->lower);
            key_num(j, "upper", a->upper);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_key(j, "rmst");
        onc_json_object_begin(j);
        key_num(j, "tau", c->rmst.tau);
        key_num(j, "estimate", c->rmst.estimate);
        key_num(j, "se", c->rmst.se);
        key_num(j, "lower", c->rmst.lower);
        key_num(j, "upper", c->rmst.upper);
        onc_json_object_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
    onc_json_key(j, "logrank");
    if (e->logrank == NULL) {
        onc_json_null(j);
    } else {
        const onc_logrank_result *lr = e->logrank;
        onc_json_object_begin(j);
        key_num(j, "chisq", lr->chisq);
        key_int(j, "df", (long long)lr->df);
        key_num(j, "p", lr->p_value);
        onc_json_key(j, "observed");
        onc_json_array_begin(j);
        for (g = 0; g < lr->n_groups; g++)
            onc_json_number(j, lr->observed[g]);
        onc_json_array_end(j);
        onc_json_key(j, "expected");
        onc_json_array_begin(j);
        for (g = 0; g < lr->n_groups; g++)
            onc_json_number(j, lr->expected[g]);
        onc_json_array_end(j);
        onc_json_key(j, "pairwise");
        onc_json_array_begin(j);
        for (k = 0; k < lr->n_pairs; k++) {
            onc_json_object_begin(j);
            key_str(j, "group1", r->arm_value[lr->pairs[k].group_a]);
            key_str(j, "group2", r->arm_value[lr->pairs[k].group_b]);
            key_num(j, "chisq", lr->pairs[k].chisq);
            key_num(j, "p", lr->pairs[k].p_value);
            key_num(j, "p_holm", lr->pairs[k].p_holm);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_key(j, "treatment_cox");
    if (e->has_arm_cox)
        write_cox_model(j, &e->arm_cox);
    else
        onc_json_null(j);
    onc_json_object_end(j);
}

static void proportion(onc_json *j, const char *key, const onc_proportion *p)
{
    onc_json_key(j, key);
    onc_json_object_begin(j);
    key_int(j, "count", (long long)p->count);
    key_int(j, "n", (long long)p->n);
    key_num(j, "proportion", p->estimate);
    key_num(j, "lower", p->lower);
    key_num(j, "upper", p->upper);
    onc_json_object_end(j);
}

static void write_response(onc_json *j, const onc_report *r, const report_response *rr)
{
    size_t a, q, i;

    onc_json_object_begin(j);
    key_str(j, "criteria", onc_plan_criteria_name(rr->criteria));
    key_str(j, "organ", r->plan->response_organ.text);
    key_num(j, "confirm_days", r->plan->confirm_days);
    key_num(j, "min_sd_days", r->plan->min_sd_days);
    key_int(j, "patients_with_lesion_data", (long long)rr->result->n_patients);
    key_int(j, "patients_with_issues", (long long)rr->n_issues);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a <= r->n_arms; a++) {
        onc_json_object_begin(j);
        key_str(j, "arm", a < r->n_arms ? r->arm_value[a] : "all");
        key_int(j, "n", (long long)r->arm_n[a]);
        onc_json_key(j, "best_response");
        onc_json_object_begin(j);
        for (q = 0; q < ONC_RESPONSE_N; q++) {
            size_t c = 0, g;
            for (g = 0; g < r->n_arms; g++)
                if (a == r->n_arms || g == a)
                    c += rr->count[g * ONC_RESPONSE_N + q];
            key_int(j, onc_response_name((onc_response)q), (long long)c);
        }
        onc_json_object_end(j);
        proportion(j, "orr", &rr->orr[a]);
        proportion(j, "dcr", &rr->dcr[a]);
        if (a < r->n_arms) {
            const onc_odds_ratio *o = &rr->orr_or[a];
            onc_json_key(j, "orr_odds_ratio");
            if (a == r->reference) {
                onc_json_null(j);
            } else {
                onc_json_object_begin(j);
                key_num(j, "estimate", o->conditional_mle);
                key_num(j, "lower", o->exact_lower);
                key_num(j, "upper", o->exact_upper);
                key_num(j, "p", o->p_value);
                key_num(j, "sample", o->sample);
                onc_json_object_end(j);
            }
        }
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    key_num(j, "orr_fisher_p", rr->orr_p);
    key_num(j, "dcr_fisher_p", rr->dcr_p);
    onc_json_key(j, "patients");
    onc_json_array_begin(j);
    for (i = 0; i < r->patients->n_rows; i++) {
        onc_json_object_begin(j);
        key_str(j, "id", r->patient_id[i]);
        key_str(j, "arm", r->arm_value[r->arm[i]]);
        key_str(j, "best", onc_response_name((onc_response)rr->best[i]));
        key_num(j, "best_change_pct", rr->best_change[i]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void ae_count(onc_json *j, const onc_ae_count *c)
{
    size_t g;

    onc_json_object_begin(j);
    onc_json_key(j, "by_grade");
    onc_json_array_begin(j);
    for (g = 0; g < 5; g++)
        onc_json_integer(j, (long long)c->by_grade[g]);
    onc_json_array_end(j);
    key_int(j, "any_grade", (long long)c->any_grade);
    key_int(j, "grade3_plus", (long long)c->grade3_plus);
    key_num(j, "pct_any", c->pct_any);
    key_num(j, "pct_grade3_plus", c->pct_grade3_plus);
    onc_json_object_end(j);
}

static void ae_row(onc_json *j, const onc_ae_table *t, const onc_ae_row *row)
{
    size_t a;

    onc_json_object_begin(j);
    key_str(j, "term", row->term);
    key_str(j, "soc", row->soc);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a < t->n_arms; a++)
        ae_count(j, &row->arms[a]);
    onc_json_array_end(j);
    onc_json_key(j, "total");
    ae_count(j, &row->total);
    onc_json_object_end(j);
}

static void write_safety(onc_json *j, const onc_report *r)
{
    const onc_ae_table *t = r->ae;
    size_t k;

    onc_json_key(j, "safety");
    if (t == NULL) {
        onc_json_null(j);
        return;
    }
    onc_json_object_begin(j);
    key_int(j, "events", (long long)r->ae_n_events);
    key_int(j, "patients", (long long)t->n_patients);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (k = 0; k < t->n_arms; k++) {
        onc_json_object_begin(j);
        key_str(j, "arm", t->arms[k]);
        key_int(j, "n", (long long)t->arm_size[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "any");
    ae_row(j, t, &t->any);
    onc_json_key(j, "terms");
    onc_json_array_begin(j);
    for (k = 0; k < t->n_rows; k++)
        ae_row(j, t, &t->rows[k]);
    onc_json_array_end(j);
    onc_json_key(j, "grade5");
    onc_json_array_begin(j);
    for (k = 0; k < t->n_grade5; k++) {
        char d[16];
        onc_json_object_begin(j);
        key_str(j, "patient", t->grade5[k].patient);
        key_str(j, "arm", t->arms[t->grade5[k].arm]);
        key_str(j, "term", t->grade5[k].term);
        onc_json_key(j, "date");
        if (isnan(t->grade5[k].day)) {
            onc_json_null(j);
        } else {
            onc_date_format(t->grade5[k].day, d, sizeof d);
            onc_json_string(j, d);
        }
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

onc_status onc_report_write_json(const onc_report *r, FILE *fp, onc_error *err)
{
    onc_json *j = onc_json_new(fp, 1);
    const onc_plan *p = r->plan;
    size_t k, s;
    onc_status st;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    key_str(j, "oncostat_version", ONC_VERSION);
    key_str(j, "title", p->title.text);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_arms; k++) {
        onc_json_object_begin(j);
        key_str(j, "arm", r->arm_value[k]);
        key_str(j, "label", r->arm_label[k]);
        key_int(j, "n", (long long)r->arm_n[k]);
        key_bool(j, "reference", k == r->reference);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    write_flow(j, r);
    write_table1(j, r);
    onc_json_key(j, "endpoints");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_endpoints; k++)
        write_endpoint(j, r, &r->endpoints[k]);
    onc_json_array_end(j);
    onc_json_key(j, "cox");
    onc_json_array_begin(j);
    for (s = 0; s < r->n_cox_sets; s++) {
        const report_cox_set *cs = &r->cox_sets[s];
        onc_json_object_begin(j);
        key_str(j, "endpoint", r->endpoints[cs->endpoint].plan->name);
        onc_json_key(j, "univariable");
        onc_json_array_begin(j);
        for (k = 0; k < cs->n_univariable; k++)
            write_cox_model(j, &cs->univariable[k]);
        onc_json_array_end(j);
        onc_json_key(j, "adjusted");
        if (cs->has_adjusted)
            write_cox_model(j, &cs->adjusted);
        else
            onc_json_null(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "subgroups");
    onc_json_array_begin(j);
    for (s = 0; s < r->n_forests; s++) {
        const report_forest *f = &r->forests[s];
        onc_json_object_begin(j);
        key_str(j, "endpoint", r->endpoints[f->endpoint].plan->name);
        key_str(j, "arm", r->arm_value[f->arm]);
        key_str(j, "reference", r->arm_value[r->reference]);
        onc_json_key(j, "rows");
        onc_json_array_begin(j);
        for (k = 0; k < f->n_rows; k++) {
            const report_forest_row *row = &f->rows[k];
            onc_json_object_begin(j);
            key_str(j, "label", row->label);
            key_bool(j, "header", row->is_header);
            key_bool(j, "overall", row->is_overall);
            if (!row->is_header) {
                key_int(j, "n", (long long)row->n);
                key_int(j, "events", (long long)row->events);
                key_num(j, "hr", row->hr);
                key_num(j, "lower", row->lower);
                key_num(j, "upper", row->upper);
                key_str(j, "note", row->note);
            } else {
                key_num(j, "p_interaction", row->p_interaction);
                key_num(j, "interaction_df", row->interaction_df);
            }
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "response");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_responses; k++)
        write_response(j, r, &r->responses[k]);
    onc_json_array_end(j);
    write_safety(j, r);
    onc_json_key(j, "figures");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_figures; k++) {
        onc_json_object_begin(j);
        key_str(j, "name", r->figures[k].name);
        key_str(j, "title", r->figures[k].title);
        key_str(j, "caption", r->figures[k].caption);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
    st = onc_json_finish(j);
    onc_json_free(j);
    if (st != ONC_OK)
        return onc_error_set(err, st, NULL, 0, 0, NULL, "writing results.json failed");
    return ONC_OK;
}
