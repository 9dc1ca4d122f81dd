/*
** test_plan.c -- reading study plans: every key of a complete plan, the
** defaults, and every kind of error with the line it names.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/report.h"
#include "oncostat/date.h"
#include "oncostat/km.h"
#include "oncostat/cox.h"

static const char full[] =
    "title: A study\n"                                   /*  1 */
    "note: synthetic\n"                                  /*  2 */
    "data:\n"                                            /*  3 */
    "  patients:\n"                                      /*  4 */
    "    file: patients.csv\n"                           /*  5 */
    "    date_format: \"%d/%m/%Y\"\n"                    /*  6 */
    "    na: [\"\", NA, \"-\"]\n"                        /*  7 */
    "  lesions:\n"                                       /*  8 */
    "    file: /data/lesions.csv\n"                      /*  9 */
    "    columns: {patient: pid, diameter: ld_mm}\n"     /* 10 */
    "  adverse_events: ae.csv\n"                         /* 11 */
    "id: patient_id\n"                                   /* 12 */
    "arms:\n"                                            /* 13 */
    "  column: treatment\n"                              /* 14 */
    "  order: [IM, HR, TACE]\n"                          /* 15 */
    "  labels: {IM: Imatinib, HR: Resection}\n"          /* 16 */
    "  reference: HR\n"                                  /* 17 */
    "time_zero: start\n"                                 /* 18 */
    "cutoff: 2022-12-31\n"                               /* 19 */
    "unit: weeks\n"                                      /* 20 */
    "endpoints:\n"                                       /* 21 */
    "  OS:\n"                                            /* 22 */
    "    label: Overall survival\n"                      /* 23 */
    "    events: [{column: death, label: Death}]\n"      /* 24 */
    "    censor: last_fu\n"                              /* 25 */
    "    death: death\n"                                 /* 26 */
    "  PFS:\n"                                           /* 27 */
    "    events: [progression, death]\n"                 /* 28 */
    "    censor: last_scan\n"                            /* 29 */
    "    unit: months\n"                                 /* 30 */
    "    cutoff: 2021-06-30\n"                           /* 31 */
    "    origin: first_dose\n"                           /* 32 */
    "eligibility:\n"                                     /* 33 */
    "  - criterion: age >= 18\n"                         /* 34 */
    "    reason: minor\n"                                /* 35 */
    "  - {criterion: \"ecog <= 1\", reason: ECOG 2+}\n"  /* 36 */
    "baseline:\n"                                        /* 37 */
    "  compare: both\n"                                  /* 38 */
    "  variables:\n"                                     /* 39 */
    "    - age\n"                                        /* 40 */
    "    - {variable: ecog, label: ECOG, summary: n_percent}\n" /* 41 */
    "    - {variable: size, summary: mean_sd}\n"         /* 42 */
    "analyses:\n"                                        /* 43 */
    "  km:\n"                                            /* 44 */
    "    endpoints: [PFS]\n"                             /* 45 */
    "    times: [12, 24.5]\n"                            /* 46 */
    "    conf_level: 0.9\n"                              /* 47 */
    "    conf_type: log-log\n"                           /* 48 */
    "  cox:\n"                                           /* 49 */
    "    univariable: [treatment, age]\n"                /* 50 */
    "    adjusted: [treatment, age, ecog]\n"             /* 51 */
    "    ties: breslow\n"                                /* 52 */
    "  subgroups:\n"                                     /* 53 */
    "    endpoint: OS\n"                                 /* 54 */
    "    variables: [sex, {variable: age, cuts: [60, 70]}]\n" /* 55 */
    "    compare: [TACE]\n"                              /* 56 */
    "  response:\n"                                      /* 57 */
    "    criteria: [choi, recist1.1]\n"                  /* 58 */
    "    organ: liver\n"                                 /* 59 */
    "    confirm_days: 28\n"                             /* 60 */
    "    min_sd_days: 42\n"                              /* 61 */
    "  safety: {top: 10}\n"                              /* 62 */
    "output:\n"                                          /* 63 */
    "  formats: [html, json]\n"                          /* 64 */
    "  figures: [png]\n";                                /* 65 */

static void complete_plan(void)
{
    onc_plan *p = NULL;
    onc_error err;
    const onc_plan_endpoint *e;

    CHECK(onc_plan_parse(full, strlen(full), "study.yaml", "plans", &p, &err) == ONC_OK);
    if (p == NULL) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    CHECK_STR(p->title.text, "A study");
    CHECK(p->title.line == 1);
    CHECK_STR(p->patients.file.text, "patients.csv");
    CHECK_STR(p->patients.path, "plans/patients.csv");
    CHECK_STR(p->patients.date_format.text, "%d/%m/%Y");
    CHECK(p->patients.n_na == 3);
    CHECK_STR(p->patients.na[2], "-");
    CHECK_STR(p->lesions.path, "/data/lesions.csv");
    CHECK_STR(p->lesions.columns[ONC_LESION_COL_PATIENT].text, "pid");
    CHECK(p->lesions.columns[ONC_LESION_COL_PATIENT].line == 10);
    CHECK_STR(p->lesions.columns[ONC_LESION_COL_DIAMETER].text, "ld_mm");
    CHECK_STR(p->lesions.columns[ONC_LESION_COL_HU].text, "hu");      /* default */
    CHECK(p->lesions.columns[ONC_LESION_COL_HU].line == 0);
    CHECK_STR(p->adverse_events.path, "plans/ae.csv");
    CHECK_STR(p->adverse_events.columns[ONC_AE_COL_GRADE].text, "grade");
    CHECK_STR(p->id.text, "patient_id");
    CHECK(p->id.line == 12);
    CHECK_STR(p->arm_column.text, "treatment");
    CHECK(p->n_arm_order == 3);
    CHECK_STR(p->arm_order[2].text, "TACE");
    CHECK(p->n_arm_labels == 2);
    CHECK_STR(p->arm_labels[1].label, "Resection");
    CHECK_STR(p->arm_reference.text, "HR");
    CHECK(p->arm_reference.line == 17);
    CHECK(p->cutoff == onc_date_from_ymd(2022, 12, 31));
    CHECK(p->unit == ONC_UNIT_WEEKS);
    CHECK(p->n_endpoints == 2);
    e = onc_plan_find_endpoint(p, "OS");
    CHECK(e != NULL && e->n_events == 1 && strcmp(e->events[0].label, "Death") == 0);
    CHECK(e != NULL && e->line == 22 && !e->unit_given && isnan(e->cutoff));
    CHECK(e != NULL && strcmp(e->death.text, "death") == 0 && e->censor.line == 25);
    e = onc_plan_find_endpoint(p, "PFS");
    CHECK(e != NULL && e->n_events == 2 && e->events[1].label == NULL);
    CHECK(e != NULL && e->unit_given && e->unit == ONC_UNIT_MONTHS);
    CHECK(e != NULL && e->cutoff == onc_date_from_ymd(2021, 6, 30));
    CHECK(e != NULL && strcmp(e->origin.text, "first_dose") == 0);
    CHECK(onc_plan_find_endpoint(p, "DFS") == NULL);
    CHECK(p->n_eligibility == 2);
    CHECK_STR(p->eligibility[1].criterion.text, "ecog <= 1");
    CHECK(p->eligibility[1].criterion.line == 36);
    CHECK_STR(p->eligibility[0].reason, "minor");
    CHECK(p->baseline_compare == ONC_TABLE1_COMPARE_BOTH);
    CHECK(p->n_baseline == 3);
    CHECK(p->baseline[0].summary == ONC_TABLE1_AUTO && p->baseline[0].label == NULL);
    CHECK(p->baseline[1].summary == ONC_TABLE1_COUNT);
    CHECK(p->baseline[2].summary == ONC_TABLE1_MEAN_SD);
    CHECK(p->km && p->n_km_endpoints == 1 && p->n_km_times == 2 && p->km_times[1] == 24.5);
    CHECK(p->conf_level == 0.9 && p->conf_type == ONC_CONF_LOGLOG);
    CHECK(p->cox && p->n_cox_endpoints == 0 && p->n_cox_univariable == 2 && p->n_cox_adjusted == 3);
    CHECK(p->cox_ties == ONC_TIES_BRESLOW);
    CHECK(p->subgroups && p->n_subgroup_vars == 2 && p->subgroup_vars[1].n_cuts == 2);
    CHECK(p->subgroup_vars[1].cuts[1] == 70 && p->n_subgroup_compare == 1);
    CHECK(p->response && p->n_criteria == 2 && p->criteria[0] == ONC_PLAN_CHOI);
    CHECK(p->criteria[1] == ONC_PLAN_RECIST11 && p->criteria_line[1] == 58);
    CHECK_STR(p->response_organ.text, "liver");
    CHECK(p->confirm_days == 28 && p->min_sd_days == 42);
    CHECK(p->safety && p->safety_top == 10);
    CHECK(p->out_html && p->out_json && !p->out_csv);
    CHECK(!p->fig_svg && p->fig_png && !p->fig_pdf);
    onc_plan_free(p);
}

static void defaults(void)
{
    static const char text[] =
        "data: {patients: p.csv}\nid: id\narms: arm\n"
        "time_zero: start\nendpoints:\n  OS: {events: death}\nanalyses: {km: true}\n";
    onc_plan *p = NULL;
    onc_error err;

    CHECK(onc_plan_parse(text, strlen(text), "p.yaml", NULL, &p, &err) == ONC_OK);
    if (p == NULL)
        return;
    CHECK_STR(p->patients.path, "p.csv");
    CHECK(p->n_arm_order == 0 && p->arm_reference.text == NULL);
    CHECK(p->unit == ONC_UNIT_MONTHS && isnan(p->cutoff));
    CHECK(p->conf_level == 0.95 && p->conf_type == ONC_CONF_LOG);
    CHECK(p->km && p->n_km_endpoints == 0 && p->n_km_times == 0);
    CHECK(!p->cox && !p->response && !p->safety && !p->subgroups);
    CHECK(p->cox_ties == ONC_TIES_EFRON);
    CHECK(p->out_html && p->out_json && p->out_csv && p->fig_svg && !p->fig_png);
    CHECK(p->endpoints[0].n_events == 1 && strcmp(p->endpoints[0].events[0].column.text, "death") == 0);
    CHECK(p->lesions.line == 0 && p->lesions.file.text == NULL);
    CHECK(p->time_zero_label == NULL);
    onc_plan_free(p);
}

/* time_zero as a mapping gives the column and how to name it. */
static void time_zero_mapping(void)
{
    static const char text[] =
        "data: {patients: p.csv}\nid: id\narms: arm\n"
        "time_zero:\n  column: dx_date\n  label: diagnosis of liver metastases\n";
    onc_plan *p = NULL;
    onc_error err;

    CHECK(onc_plan_parse(text, strlen(text), "p.yaml", NULL, &p, &err) == ONC_OK);
    if (p == NULL)
        return;
    CHECK_STR(p->time_zero.text, "dx_date");
    CHECK(p->time_zero.line == 5);
    CHECK_STR(p->time_zero_label, "diagnosis of liver metastases");
    onc_plan_free(p);
}

#define BASE "data: {patients: p.csv}\nid: id\narms: arm\ntime_zero: t0\n"   /* lines 1-4 */

static const struct {
    const char *text;
    onc_status status;
    size_t line;
    const char *message;
} errors[] = {
    {BASE "endpionts:\n  OS: {events: death}\n", ONC_ERR_USAGE, 5,
     "unknown key 'endpionts' in 'the plan' (did you mean 'endpoints'?)"},
    {BASE "endpoints:\n  OS:\n    events: death\n    censr: last\n", ONC_ERR_USAGE, 8,
     "unknown key 'censr' in 'endpoints.OS' (did you mean 'censor'?)"},
    {BASE "foo: 1\n", ONC_ERR_USAGE, 5, "unknown key 'foo' in 'the plan' (known keys: title,"},
    {BASE "endpoints:\n  OS: {events: death}\nanalyses:\n  km: {times: twelve}\n", ONC_ERR_USAGE, 8,
     "'analyses.km.times' must be a number, found 'twelve'"},
    {BASE "endpoints:\n  OS: {events: death}\nanalyses:\n  km:\n    times: {a: 1}\n", ONC_ERR_USAGE, 9,
     "'analyses.km.times' must be a list of numbers, found a mapping"},
    {"data: {patients: p.csv}\narms: arm\n", ONC_ERR_USAGE, 1, "the plan needs 'id'"},
    {"data: {patients: p.csv}\nid: id\n", ONC_ERR_USAGE, 1, "the plan needs 'arms'"},
    {"id: id\narms: arm\n", ONC_ERR_USAGE, 1, "needs 'data' with 'patients'"},
    {BASE "arms: again\n", ONC_ERR_USAGE, 5, "key 'arms' of 'the plan' is given twice (first on line 3)"},
    {"data: {patients: p.csv}\nid: [a, b\n", ONC_ERR_PARSE, 3, "not valid YAML"},
    {"data:\n  patients: p.csv\n bad: 1\n", ONC_ERR_PARSE, 3, "not valid YAML"},
    {"data: {patients: p.csv}\nid: id\narms:\n  column: arm\n  order: [A, B]\n  reference: b\n",
     ONC_ERR_USAGE, 6, "reference arm 'b' is not in 'arms.order' (did you mean 'B'?)"},
    {"data: {patients: p.csv}\nid: id\narms:\n  column: arm\n  order: [A, B, A]\n",
     ONC_ERR_USAGE, 5, "arm 'A' is listed twice"},
    {"data: {patients: p.csv}\nid: id\narms:\n  column: arm\n  order: [A, B]\n  labels: {C: c}\n",
     ONC_ERR_USAGE, 6, "'arms.labels' names arm 'C', which is not in 'arms.order'"},
    {BASE "endpoints:\n  OS: {events: death}\nanalyses:\n  km: {endpoints: [Os]}\n", ONC_ERR_USAGE, 8,
     "'analyses.km.endpoints': unknown endpoint 'Os' (did you mean 'OS'?)"},
    {BASE "analyses:\n  km: {endpoints: [OS]}\n", ONC_ERR_USAGE, 6, "defines no 'endpoints'"},
    {BASE "endpoints:\n  OS: {events: death}\nanalyses:\n  km: {conf_level: 1.5}\n", ONC_ERR_USAGE, 8,
     "'conf_level' must be between 0 and 1"},
    {BASE "endpoints:\n  OS: {events: death}\nanalyses:\n  km: {conf_type: loglog}\n", ONC_ERR_USAGE, 8,
     "unknown value 'loglog' (did you mean 'log-log'?)"},
    {BASE "cutoff: 31/12/2022\n", ONC_ERR_USAGE, 5, "'cutoff' must be a date written YYYY-MM-DD"},
    {BASE "unit: fortnights\n", ONC_ERR_USAGE, 5, "'unit': unknown value 'fortnights'"},
    {BASE "eligibility:\n  - {criterion: age > 18, reason: minor}\n  - criterion: ecog < 2\n", ONC_ERR_USAGE, 7,
     "criterion 'ecog < 2' needs a 'reason'"},
    {BASE "eligibility:\n  criterion: age > 18\n", ONC_ERR_USAGE, 6,
     "'eligibility' must be a list of {criterion, reason}, found a mapping"},
    {BASE "eligibility:\n  - {criterion: age > 18, reason: x, resaon: y}\n", ONC_ERR_USAGE, 6,
     "did you mean 'reason'"},
    {BASE "data2: 1\n", ONC_ERR_USAGE, 5, "did you mean 'data'"},
    {BASE "endpoints:\n  1OS: {events: death}\n", ONC_ERR_USAGE, 6, "endpoint name '1OS' must start with a letter"},
    {BASE "endpoints:\n  OS: {censor: x}\n", ONC_ERR_USAGE, 6, "endpoint 'OS' needs 'events'"},
    {BASE "endpoints:\n  OS: {events: []}\n", ONC_ERR_USAGE, 6, "must list 1 to 64 date columns"},
    {"data: {patients: p.csv}\nid: id\narms: arm\nendpoints:\n  OS: {events: death}\n", ONC_ERR_USAGE, 5,
     "endpoint 'OS' has no 'origin' and the plan has no 'time_zero'"},
    {BASE "baseline:\n  - {variable: age, summary: medain}\n", ONC_ERR_USAGE, 6,
     "'summary': unknown value 'medain' (did you mean 'median'?)"},
    {BASE "baseline:\n  compare: pvalue\n  variables: [age]\n", ONC_ERR_USAGE, 6,
     "'baseline.compare': unknown value 'pvalue'"},
    {BASE "baseline:\n  - {label: Age}\n", ONC_ERR_USAGE, 6, "needs 'variable'"},
    {BASE "analyses:\n  response: {criteria: [chio]}\n", ONC_ERR_USAGE, 6,
     "unknown response criteria 'chio' (did you mean 'choi'?)"},
    {BASE "analyses:\n  response: {criteria: [choi, choi]}\n", ONC_ERR_USAGE, 6, "listed twice"},
    {BASE "analyses:\n  response: {criteria: [choi]}\n", ONC_ERR_USAGE, 6, "needs 'data.lesions'"},
    {BASE "analyses:\n  safety: true\n", ONC_ERR_USAGE, 6, "needs 'data.adverse_events'"},
    {BASE "analyses:\n  safety: maybe\n", ONC_ERR_USAGE, 6, "'analyses.safety' must be true or false"},
    {BASE "analyses:\n  safety: {top: 2.5}\n", ONC_ERR_USAGE, 6, "whole number"},
    {BASE "analyses:\n  subgroups:\n    variables: [{variable: age, cuts: [70, 60]}]\n", ONC_ERR_USAGE, 7,
     "'cuts' must increase"},
    {BASE "output: {formats: [pdf]}\n", ONC_ERR_USAGE, 5, "unknown format 'pdf' (expected html, json or csv)"},
    {BASE "output: {figures: [jpeg]}\n", ONC_ERR_USAGE, 5, "unknown format 'jpeg'"},
    {"data:\n  patients:\n    file: p.csv\n    date_format: \"%d/%m/%y\"\nid: id\narms: arm\n",
     ONC_ERR_USAGE, 4, "two-digit years"},
    {"data:\n  patients:\n    columns: {patient: x}\n    file: p.csv\n", ONC_ERR_USAGE, 3,
     "unknown key 'columns' in 'data.patients'"},
    {"data:\n  patients: p.csv\n  lesions:\n    file: l.csv\n    columns: {diamter: d}\n", ONC_ERR_USAGE, 5,
     "did you mean 'diameter'"},
    {"data:\n  patients: {date_format: \"%Y\"}\n", ONC_ERR_USAGE, 2, "'data.patients' needs a 'file'"},
    {BASE "title: [a, b]\n", ONC_ERR_USAGE, 5, "'title' must be a single value, found a list"},
    {BASE "title:\n", ONC_ERR_USAGE, 5, "'title' has no value"},
    {"- a\n- b\n", ONC_ERR_USAGE, 1, "a study plan is a mapping"},
    {"", ONC_ERR_USAGE, 1, "the plan is empty"},
    {BASE "time_zero2: x\n", ONC_ERR_USAGE, 5, "did you mean 'time_zero'"},
    {"data: {patients: p.csv}\nid: id\narms: arm\ntime_zero: {label: diagnosis}\n", ONC_ERR_USAGE, 4,
     "'time_zero' needs 'column'"},
    {"data: {patients: p.csv}\nid: id\narms: arm\ntime_zero: {column: d, lable: x}\n", ONC_ERR_USAGE, 4,
     "did you mean 'label'"},
    {BASE "---\nid: x\n", ONC_ERR_USAGE, 5, "more than one YAML document"},
};

static void plan_errors(void)
{
    size_t k;

    for (k = 0; k < sizeof errors / sizeof errors[0]; k++) {
        onc_plan *p = NULL;
        onc_error err;
        onc_status st = onc_plan_parse(errors[k].text, strlen(errors[k].text), "study.yaml",
                                       NULL, &p, &err);
        int ok = st == errors[k].status && p == NULL && err.line == errors[k].line &&
                 strstr(err.message, errors[k].message) != NULL &&
                 strncmp(err.message, "study.yaml: line ", 17) == 0;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  case %zu: status %d line %zu: %s\n", k, (int)st, err.line, err.message);
        onc_plan_free(p);
    }
}

/* Reading from a file resolves data paths against the plan's folder. */
static void from_file(void)
{
    char dir[] = "/tmp/onc_plan_XXXXXX";
    char path[128];
    onc_plan *p = NULL;
    onc_error err;
    FILE *fp;

    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/study.yaml", dir);
    fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    fputs("data: {patients: sub/p.csv}\nid: id\narms: arm\n", fp);
    fclose(fp);
    CHECK(onc_plan_read(path, &p, &err) == ONC_OK);
    if (p != NULL) {
        char want[160];
        snprintf(want, sizeof want, "%s/sub/p.csv", dir);
        CHECK_STR(p->patients.path, want);
        CHECK_STR(p->source, path);
        onc_plan_free(p);
    }
    remove(path);
    remove(dir);
    CHECK(onc_plan_read("/nonexistent/study.yaml", &p, &err) == ONC_ERR_IO);
    CHECK(strstr(err.message, "cannot open the study plan") != NULL);
}

int main(void)
{
    harness_set_name("test_plan");
    complete_plan();
    defaults();
    time_zero_mapping();
    plan_errors();
    from_file();
    return harness_finish();
}
