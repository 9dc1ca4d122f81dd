/*
** response_render.c -- tumour response results as text, JSON and CSV, and
** the per-patient and per-assessment CSV files (oncostat/response_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/response_render.h"
#include "render/clinical_render_internal.h"

void onc_response_report_init(onc_response_report *r)
{
    memset(r, 0, sizeof *r);
}

static const char *response_baseline_text(onc_baseline_rule rule)
{
    switch (rule) {
    case ONC_BASELINE_DAY:
        return "the records at day <= 0, days counted from the start of "
               "treatment; a patient without one is NE (missing baseline)";
    case ONC_BASELINE_FLAG:
        return "the records flagged as baseline; a patient without one is NE "
               "(missing baseline)";
    case ONC_BASELINE_EARLIEST:
        break;
    }
    return "the earliest assessment of each patient (a missing baseline scan "
           "cannot be detected)";
}

/* The last assessment of patient p (the latest day). */
static double response_last_day(const onc_response_result *res,
                                const onc_response_patient *p)
{
    if (p->n_assessments == 0)
        return NAN;
    return res->assessments[p->first_assessment + p->n_assessments - 1].day;
}

static size_t response_patients_with_issues(const onc_response_result *res)
{
    size_t i, n = 0;

    for (i = 0; i < res->n_patients; i++)
        n += res->patients[i].n_issues > 0;
    return n;
}

/* ---- JSON ---- */

static void response_json_patient(onc_json *j, const onc_response_result *res,
                                  const onc_response_patient *p, int dates)
{
    size_t k;

    onc_json_object_begin(j);
    onc_json_key(j, "patient");
    onc_json_string(j, p->patient);
    onc_json_key(j, "best_response");
    onc_json_string(j, onc_response_name(p->best));
    clinical_json_day(j, "best_", p->best_day, dates);
    onc_json_key(j, "best_change_pct");
    onc_json_number(j, p->best_change_pct);
    onc_json_key(j, "progressed");
    onc_json_bool(j, !isnan(p->first_pd_day));
    clinical_json_day(j, "first_pd_", p->first_pd_day, dates);
    clinical_json_day(j, "last_", response_last_day(res, p), dates);
    clinical_json_day(j, "baseline_", p->baseline_day, dates);
    onc_json_key(j, "baseline_sum");
    onc_json_number(j, p->baseline_sum);
    onc_json_key(j, "n_assessments");
    onc_json_integer(j, (long long)p->n_assessments);
    onc_json_key(j, "missing_baseline");
    onc_json_bool(j, p->missing_baseline);
    onc_json_key(j, "reason");
    onc_json_string(j, p->reason);
    onc_json_key(j, "issues");
    onc_json_array_begin(j);
    for (k = 0; k < p->n_issues; k++)
        onc_json_string(j, p->issues[k]);
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void response_json_assessment(onc_json *j, const onc_response_result *res,
                                     const onc_response_assessment *a, int dates)
{
    onc_json_object_begin(j);
    onc_json_key(j, "patient");
    onc_json_string(j, res->patients[a->patient].patient);
    clinical_json_day(j, "", a->day, dates);
    onc_json_key(j, "baseline");
    onc_json_bool(j, a->is_baseline);
    onc_json_key(j, "n_targets");
    onc_json_integer(j, (long long)a->n_targets);
    onc_json_key(j, "n_measured");
    onc_json_integer(j, (long long)a->n_measured);
    onc_json_key(j, "sum");
    onc_json_number(j, a->sum);
    onc_json_key(j, "change_baseline_pct");
    onc_json_number(j, a->change_baseline_pct);
    onc_json_key(j, "nadir");
    onc_json_number(j, a->nadir);
    onc_json_key(j, "change_nadir_pct");
    onc_json_number(j, a->change_nadir_pct);
    onc_json_key(j, "change_nadir_mm");
    onc_json_number(j, a->change_nadir_mm);
    onc_json_key(j, "attenuation");
    onc_json_number(j, a->attenuation);
    onc_json_key(j, "attenuation_change_pct");
    onc_json_number(j, a->attenuation_change_pct);
    onc_json_key(j, "new_lesion");
    onc_json_bool(j, a->new_lesion);
    onc_json_key(j, "response");
    onc_json_string(j, onc_response_name(a->response));
    onc_json_key(j, "rule");
    onc_json_string(j, a->rule);
    onc_json_object_end(j);
}

static onc_status response_render_json(const onc_response_report *r, FILE *fp)
{
    const onc_response_result *res = r->result;
    const onc_response_summary *s = r->summary;
    onc_json *j = onc_json_new(fp, 2);
    onc_status st;
    size_t k;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "response");
    onc_json_key(j, "criteria");
    onc_json_string(j, onc_criteria_name(res->criteria));
    onc_json_key(j, "source");
    onc_json_string(j, r->source);
    onc_json_key(j, "baseline_rule");
    onc_json_string(j, onc_baseline_rule_name(res->baseline));
    onc_json_key(j, "baseline_rule_text");
    onc_json_string(j, response_baseline_text(res->baseline));
    onc_json_key(j, "confirm_days");
    onc_json_number(j, res->confirm_days);
    onc_json_key(j, "min_sd_days");
    onc_json_number(j, res->min_sd_days);
    onc_json_key(j, "organ");
    onc_json_string(j, res->organ);
    onc_json_key(j, "days_are_dates");
    onc_json_bool(j, r->days_are_dates);
    onc_json_key(j, "conf_level");
    onc_json_number(j, s->orr.conf_level);
    onc_json_key(j, "ci_method");
    onc_json_string(j, onc_rates_ci_name(s->orr.method));
    onc_json_key(j, "n_patients");
    onc_json_integer(j, (long long)res->n_patients);
    onc_json_key(j, "n_records");
    onc_json_integer(j, (long long)r->n_records);
    onc_json_key(j, "n_patients_with_issues");
    onc_json_integer(j, (long long)response_patients_with_issues(res));
    onc_json_key(j, "best_response");
    onc_json_array_begin(j);
    for (k = 0; k < ONC_RESPONSE_N; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "response");
        onc_json_string(j, onc_response_name((onc_response)k));
        clinical_json_proportion(j, &s->best[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "orr");
    onc_json_object_begin(j);
    clinical_json_proportion(j, &s->orr);
    onc_json_object_end(j);
    onc_json_key(j, "dcr");
    onc_json_object_begin(j);
    clinical_json_proportion(j, &s->dcr);
    onc_json_object_end(j);
    onc_json_key(j, "patients");
    onc_json_array_begin(j);
    for (k = 0; k < res->n_patients; k++)
        response_json_patient(j, res, &res->patients[k], r->days_are_dates);
    onc_json_array_end(j);
    onc_json_key(j, "assessments");
    onc_json_array_begin(j);
    for (k = 0; k < res->n_assessments; k++)
        response_json_assessment(j, res, &res->assessments[k], r->days_are_dates);
    onc_json_array_end(j);
    if (r->excluded != NULL) {
        onc_json_exclusions(j, r->excluded);
    } else {
        onc_json_key(j, "n_used");
        onc_json_integer(j, (long long)r->n_records);
        onc_json_key(j, "n_excluded");
        onc_json_integer(j, 0);
        onc_json_key(j, "excluded");
        onc_json_array_begin(j);
        onc_json_array_end(j);
    }
    onc_json_object_end(j);
    st = onc_json_finish(j);
    onc_json_free(j);
    return st;
}

/* ---- the best-response table ---- */

static onc_status response_table(const onc_response_report *r, onc_output_mode mode,
                                 onc_table **out)
{
    static const char *const text_head[] = {"Best overall response", "Patients",
                                            "%", "95% CI"};
    static const char *const csv_head[] = {"response", "count", "n", "proportion",
                                           "lower", "upper"};
    static const onc_align text_align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                           ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    static const onc_align csv_align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT,
                                          ONC_ALIGN_LEFT, ONC_ALIGN_LEFT,
                                          ONC_ALIGN_LEFT, ONC_ALIGN_LEFT};
    const onc_response_summary *s = r->summary;
    int csv = mode == ONC_OUTPUT_CSV;
    char head[64], cells[6][CLINICAL_CELL];
    const char *text_cols[4], *ptr[6];
    onc_table *t;
    onc_status st = ONC_OK;
    size_t k, c;

    memcpy(text_cols, text_head, sizeof text_cols);
    snprintf(head, sizeof head, "%g%% CI", 100.0 * s->orr.conf_level);
    text_cols[3] = head;
    t = onc_table_new(csv ? 6 : 4, csv ? csv_head : text_cols,
                      csv ? csv_align : text_align);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (c = 0; c < 6; c++)
        ptr[c] = cells[c];
    for (k = 0; k < ONC_RESPONSE_N + 2 && st == ONC_OK; k++) {
        const onc_proportion *p = k < ONC_RESPONSE_N ? &s->best[k]
                                : k == ONC_RESPONSE_N ? &s->orr : &s->dcr;
        const char *name = k < ONC_RESPONSE_N ? onc_response_name((onc_response)k)
                         : k == ONC_RESPONSE_N ? (csv ? "ORR" : "ORR (CR + PR)")
                                               : (csv ? "DCR" : "DCR (CR + PR + SD)");
        snprintf(cells[0], CLINICAL_CELL, "%s", name);
        if (csv) {
            snprintf(cells[1], CLINICAL_CELL, "%zu", p->count);
            snprintf(cells[2], CLINICAL_CELL, "%zu", p->n);
            clinical_exact(p->estimate, cells[3], CLINICAL_CELL);
            clinical_exact(p->lower, cells[4], CLINICAL_CELL);
            clinical_exact(p->upper, cells[5], CLINICAL_CELL);
        } else {
            snprintf(cells[1], CLINICAL_CELL, "%zu", p->count);
            clinical_percent(p->estimate, cells[2], CLINICAL_CELL);
            clinical_percent_ci(p, cells[3], CLINICAL_CELL);
        }
        st = onc_table_add_row(t, ptr);
    }
    if (st != ONC_OK) {
        onc_table_free(t);
        return st;
    }
    *out = t;
    return ONC_OK;
}

/* One line per patient: best response, its day, the waterfall value. */
static onc_status response_patient_table(const onc_response_report *r, FILE *fp)
{
    static const char *const head[] = {"Patient", "Best", "Day", "Best change, %",
                                       "First PD", "Reason"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_LEFT};
    const onc_response_result *res = r->result;
    char cells[6][CLINICAL_CELL];
    const char *ptr[6], *names[6];
    onc_table *t;
    onc_status st = ONC_OK;
    size_t i, c;

    memcpy(names, head, sizeof names);
    if (r->days_are_dates)
        names[2] = "Date";
    t = onc_table_new(6, names, align);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (c = 0; c < 6; c++)
        ptr[c] = cells[c];
    for (i = 0; i < res->n_patients && st == ONC_OK; i++) {
        const onc_response_patient *p = &res->patients[i];
        snprintf(cells[0], CLINICAL_CELL, "%s", p->patient);
        snprintf(cells[1], CLINICAL_CELL, "%s", onc_response_name(p->best));
        clinical_day(p->best_day, r->days_are_dates, cells[2], CLINICAL_CELL);
        if (isnan(p->best_change_pct))
            snprintf(cells[3], CLINICAL_CELL, "NA");
        else
            snprintf(cells[3], CLINICAL_CELL, "%+.1f", p->best_change_pct);
        if (isnan(p->first_pd_day))
            snprintf(cells[4], CLINICAL_CELL, "-");
        else
            clinical_day(p->first_pd_day, r->days_are_dates, cells[4], CLINICAL_CELL);
        snprintf(cells[5], CLINICAL_CELL, "%s", p->reason);
        st = onc_table_add_row(t, ptr);
    }
    if (st == ONC_OK)
        st = onc_table_write_text(t, fp);
    onc_table_free(t);
    return st;
}

static onc_status response_render_text(const onc_response_report *r, FILE *fp)
{
    const onc_response_result *res = r->result;
    const onc_response_summary *s = r->summary;
    onc_table *t = NULL;
    onc_status st;
    size_t i, k, n_issues = response_patients_with_issues(res);

    fprintf(fp, "Tumour response by %s%s%s\n", onc_criteria_name(res->criteria),
            r->source != NULL ? ": " : "", r->source != NULL ? r->source : "");
    fprintf(fp, "Baseline: %s.\n", response_baseline_text(res->baseline));
    if (res->confirm_days > 0.0)
        fprintf(fp, "CR and PR confirmed by an assessment >= %g days later", res->confirm_days);
    else
        fputs("CR and PR not confirmed", fp);
    if (res->min_sd_days > 0.0)
        fprintf(fp, "; SD >= %g days after baseline", res->min_sd_days);
    else
        fputs("; no minimum duration of SD", fp);
    if (res->organ != NULL)
        fprintf(fp, "; only lesions of the organ '%s'", res->organ);
    fputs(".\n", fp);
    fprintf(fp, "%zu patient%s, %zu lesion record%s. Percentages of all patients, NE "
                "included; %g%% CIs by %s.\n\n",
            res->n_patients, res->n_patients == 1 ? "" : "s", r->n_records,
            r->n_records == 1 ? "" : "s", 100.0 * s->orr.conf_level,
            onc_rates_ci_name(s->orr.method));
    st = response_table(r, ONC_OUTPUT_TEXT, &t);
    if (st == ONC_OK)
        st = onc_table_write_text(t, fp);
    onc_table_free(t);
    if (st == ONC_OK && r->show_patients && res->n_patients > 0) {
        fputs("\nPatients:\n", fp);
        st = response_patient_table(r, fp);
    }
    if (st == ONC_OK && n_issues > 0) {
        fprintf(fp, "\nProblems in the lesion data (%zu patient%s):\n", n_issues,
                n_issues == 1 ? "" : "s");
        for (i = 0; i < res->n_patients; i++) {
            const onc_response_patient *p = &res->patients[i];
            for (k = 0; k < p->n_issues; k++)
                fprintf(fp, "  %s: %s\n", p->patient, p->issues[k]);
        }
    }
    if (st == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (st == ONC_OK && ferror(fp))
        st = ONC_ERR_IO;
    return st;
}

static onc_status response_check(const onc_response_report *r)
{
    if (r == NULL || r->result == NULL || r->summary == NULL)
        return ONC_ERR_USAGE;
    return ONC_OK;
}

onc_status onc_response_render(const onc_response_report *r,
                               onc_output_mode mode, FILE *fp)
{
    onc_table *t = NULL;
    onc_status st = response_check(r);

    if (st != ONC_OK)
        return st;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return response_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        st = response_table(r, mode, &t);
        if (st == ONC_OK)
            st = onc_table_write_csv(t, fp);
        onc_table_free(t);
        return st;
    case ONC_OUTPUT_TEXT:
    default:
        return response_render_text(r, fp);
    }
}

/* ---- per-patient and per-assessment files ---- */

static void response_csv_number(FILE *fp, double v)
{
    char buf[48];

    fputc(',', fp);
    clinical_exact(v, buf, sizeof buf);
    fputs(buf, fp);
}

static void response_csv_day(FILE *fp, double day, int dates)
{
    char buf[48];

    fputc(',', fp);
    clinical_day(day, dates, buf, sizeof buf);
    fputs(buf, fp);
}

onc_status onc_response_write_patients(const onc_response_report *r, FILE *fp)
{
    const onc_response_result *res;
    const char *d;
    size_t i, k;

    if (r == NULL || r->result == NULL)
        return ONC_ERR_USAGE;
    res = r->result;
    d = r->days_are_dates ? "date" : "day";
    fprintf(fp, "patient,best_response,best_%s,best_change_pct,progressed,"
                "first_pd_%s,last_%s,n_assessments,baseline_%s,baseline_sum,"
                "missing_baseline,reason,issues\n", d, d, d, d);
    for (i = 0; i < res->n_patients; i++) {
        const onc_response_patient *p = &res->patients[i];
        clinical_csv_field(fp, p->patient);
        fprintf(fp, ",%s", onc_response_name(p->best));
        response_csv_day(fp, p->best_day, r->days_are_dates);
        response_csv_number(fp, p->best_change_pct);
        fprintf(fp, ",%d", !isnan(p->first_pd_day));
        response_csv_day(fp, p->first_pd_day, r->days_are_dates);
        response_csv_day(fp, response_last_day(res, p), r->days_are_dates);
        fprintf(fp, ",%zu", p->n_assessments);
        response_csv_day(fp, p->baseline_day, r->days_are_dates);
        response_csv_number(fp, p->baseline_sum);
        fprintf(fp, ",%d,", p->missing_baseline);
        clinical_csv_field(fp, p->reason);
        fputc(',', fp);
        if (p->n_issues > 0) {
            /* One field: the issues joined by "; ", quoted as a whole. */
            fputc('"', fp);
            for (k = 0; k < p->n_issues; k++) {
                const char *c;
                if (k > 0)
                    fputs("; ", fp);
                for (c = p->issues[k]; *c; c++) {
                    if (*c == '"')
                        fputc('"', fp);
                    fputc(*c, fp);
                }
            }
            fputc('"', fp);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

onc_status onc_response_write_assessments(const onc_response_report *r, FILE *fp)
{
    const onc_response_result *res;
    size_t i;

    if (r == NULL || r->result == NULL)
        return ONC_ERR_USAGE;
    res = r->result;
    fprintf(fp, "patient,%s,baseline,n_targets,n_measured,sum,change_baseline_pct,"
                "nadir,change_nadir_pct,change_nadir_mm,attenuation,"
                "attenuation_change_pct,new_lesion,response,rule\n",
            r->days_are_dates ? "date" : "day");
    for (i = 0; i < res->n_assessments; i++) {
        const onc_response_assessment *a = &res->assessments[i];
        clinical_csv_field(fp, res->patients[a->patient].patient);
        response_csv_day(fp, a->day, r->days_are_dates);
        fprintf(fp, ",%d,%zu,%zu", a->is_baseline, a->n_targets, a->n_measured);
        response_csv_number(fp, a->sum);
        response_csv_number(fp, a->change_baseline_pct);
        response_csv_number(fp, a->nadir);
        response_csv_number(fp, a->change_nadir_pct);
        response_csv_number(fp, a->change_nadir_mm);
        response_csv_number(fp, a->attenuation);
        response_csv_number(fp, a->attenuation_change_pct);
        fprintf(fp, ",%d,%s,", a->new_lesion, onc_response_name(a->response));
        clinical_csv_field(fp, a->rule);
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}
