/*
** test_ps_render.c -- the propensity-score report and the weights file.
**
** The analyses of the ps_cohort.R patients (their numbers are checked
** against R in tests/stats/test_ps_outcome.c) are rendered; the tests
** check what rendering itself must guarantee: JSON numbers that read back
** to the very doubles of the result structs, the text rounding (HR to two
** decimals, P as journals print it: "<0.0001"), one CSV line per balance
** row, the weights file's columns and rows, and the refusal of an
** inconsistent report.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps_render.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_outcome.txt"
#define N 300

static double x[N * 6];
static int arm[N];
static const char *const arms[] = {"imatinib", "resection"};
static const char *const coef_names[] = {"(Intercept)", "age", "sex", "ecog1",
                                         "ecog2", "kit_exon9", "extrahepatic"};
static const char *const bal_names[] = {"age", "sex", "ecog", "kit_exon9",
                                        "extrahepatic"};
static const char *const bal_labels[] = {"age", "sex", "ecog=0", "ecog=1", "ecog=2",
                                         "kit_exon9", "extrahepatic"};

/* Render into memory; returns the text (caller frees) and the status. */
static char *render(const onc_ps_report *r, onc_output_mode mode, onc_status *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    if (fp == NULL) {
        *rc = ONC_ERR_IO;
        return NULL;
    }
    *rc = onc_ps_render(r, mode, fp);
    fclose(fp);
    return buf;
}

/* The number after the n-th occurrence of `"key": ` in s. */
static double json_value(const char *s, const char *key, int n)
{
    char pat[64];
    const char *p = s;

    snprintf(pat, sizeof pat, "\"%s\": ", key);
    while (n-- > 0 && p != NULL) {
        p = strstr(p, pat);
        if (p != NULL && n > 0)
            p += strlen(pat);
    }
    return p != NULL ? strtod(p + strlen(pat), NULL) : NAN;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int main(void)
{
    golden *c = golden_load(COHORT), *g = golden_load(GOLDEN);
    size_t n = 0, k, i;
    const double *age = golden_get(c, "age", &n), *sex = golden_get(c, "sex", &k);
    const double *ecog = golden_get(c, "ecog", &k), *kit = golden_get(c, "kit_exon9", &k);
    const double *extra = golden_get(c, "extrahepatic", &k), *a2 = golden_get(c, "arm2", &k);
    const double *time = golden_get(g, "time", &k), *status = golden_get(g, "status", &k);
    const double times[] = {12, 24};
    static double bx[N * 5];
    const onc_balance_type types[] = {ONC_BALANCE_CONTINUOUS, ONC_BALANCE_BINARY,
                                      ONC_BALANCE_FACTOR, ONC_BALANCE_BINARY,
                                      ONC_BALANCE_BINARY};
    const size_t levels[] = {0, 0, 3, 0, 0};
    onc_ps_design_options dopt;
    onc_ps_outcome_options oopt;
    onc_ps_bootstrap_options bopt;
    onc_ps_design *d = NULL;
    onc_ps_outcome *res = NULL;
    onc_ps_bootstrap *boot = NULL;
    onc_ps_positivity *pos = NULL;
    onc_balance_table *bal = NULL;
    onc_ps_report rep;
    onc_status rc;
    size_t rows[N];
    char *out;

    harness_set_name("test_ps_render");
    if (age == NULL || sex == NULL || ecog == NULL || kit == NULL || extra == NULL ||
        a2 == NULL || time == NULL || status == NULL || n != N) {
        CHECK(!"golden data");
        goto done;
    }
    for (i = 0; i < N; i++) {
        x[i] = bx[i] = age[i];
        x[N + i] = bx[N + i] = sex[i];
        x[2 * N + i] = ecog[i] == 1.0;
        x[3 * N + i] = ecog[i] == 2.0;
        bx[2 * N + i] = ecog[i];
        x[4 * N + i] = bx[3 * N + i] = kit[i];
        x[5 * N + i] = bx[4 * N + i] = extra[i];
        arm[i] = (int)a2[i];
        rows[i] = i + 1;
    }
    onc_ps_design_options_init(&dopt);
    onc_ps_outcome_options_init(&oopt);
    oopt.times = times;
    oopt.n_times = 2;
    onc_ps_bootstrap_options_init(&bopt);
    bopt.replicates = 20;
    if (onc_ps_design_build(x, N, 6, arm, 2, &dopt, &d, NULL) != ONC_OK ||
        onc_ps_outcome_fit(d, arm, time, status, &oopt, &res, NULL) != ONC_OK ||
        onc_ps_bootstrap_run(x, N, 6, arm, 2, time, status, &dopt, &oopt, &bopt, &boot,
                             NULL) != ONC_OK ||
        onc_ps_check_positivity(d->model->ps, N, 2, arm, 0.01, 0.99, &pos, NULL) != ONC_OK ||
        onc_balance_compute(bx, N, 5, types, levels, bal_names, arm, 2, d->weight, NULL,
                            &bal, NULL) != ONC_OK) {
        CHECK(!"analyses");
        goto done;
    }
    onc_ps_report_init(&rep);
    rep.formula = "arm ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic";
    rep.treatment = "arm";
    rep.arm_labels = arms;
    rep.coef_names = coef_names;
    rep.n_coef_names = 7;
    rep.design = d;
    rep.options = &dopt;
    rep.arm = arm;
    rep.positivity = pos;
    rep.balance = bal;
    rep.balance_labels = bal_labels;
    rep.rows = rows;
    rep.outcome = "Surv(time, status)";
    rep.result = res;
    rep.times = times;
    rep.n_times = 2;
    rep.bootstrap = boot;

    /* JSON: round-trip numbers. */
    out = render(&rep, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(json_value(out, "hr", 1) == res->cox->hr[0]);
        CHECK(json_value(out, "robust_se", 1) == res->cox->robust_se[0]);
        CHECK(json_value(out, "boot_se_log", 1) == boot->log_hr_se[0]);
        CHECK(json_value(out, "ess", 1) == d->arms[0].ess);
        CHECK(json_value(out, "chisq_robust", 1) == res->score_chisq);
        CHECK(strstr(out, "\"bootstrap\": {") != NULL);
        CHECK(strstr(out, "\"matching\": null") != NULL);
        CHECK(strstr(out, "\"variable\": \"ecog=2\"") != NULL);
    }
    free(out);

    /* Text: rounding and P values as journals print them. */
    out = render(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        char want[128];

        snprintf(want, sizeof want, "resection vs imatinib  %.2f (%.2f\xe2\x80\x93%.2f)  <0.0001",
                 res->cox->hr[0], res->cox->lower[0], res->cox->upper[0]);
        CHECK(strstr(out, want) != NULL);
        CHECK(strstr(out, "Bootstrap: 20 replicates (seed 1,") != NULL);
        CHECK(strstr(out, "Bootstrap 95% percentile intervals of S(t)") != NULL);
        CHECK(strstr(out, "Imbalanced (|SMD| > 0.1):") != NULL);
    }
    free(out);

    /* CSV: header and one line per balance row. */
    out = render(&rep, ONC_OUTPUT_CSV, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(count_lines(out) == bal->n_rows + 1);
        CHECK(strncmp(out, "variable,type,mean_before_imatinib,", 35) == 0);
    }
    free(out);

    /* The weights file. */
    {
        onc_ps_weights_file wf;
        const char *ids[N];
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);

        for (i = 0; i < N; i++)
            ids[i] = i == 2 ? "a,b" : "P";
        memset(&wf, 0, sizeof wf);
        wf.design = d;
        wf.arm = arm;
        wf.arm_labels = arms;
        wf.rows = rows;
        wf.id_name = "id";
        wf.ids = ids;
        CHECK(fp != NULL && onc_ps_write_weights(&wf, fp) == ONC_OK);
        if (fp != NULL)
            fclose(fp);
        if (buf != NULL) {
            CHECK(strncmp(buf, "row,id,arm,ps_imatinib,ps_resection,weight\n", 43) == 0);
            CHECK(count_lines(buf) == N + 1);
            CHECK(strstr(buf, "\n3,\"a,b\",") != NULL);      /* quoted */
        }
        free(buf);
        wf.ids = NULL;
        CHECK(onc_ps_write_weights(&wf, stdout) == ONC_ERR_USAGE);
    }

    /* Inconsistent reports are refused before anything is written. */
    {
        onc_ps_report bad = rep;

        bad.arm = NULL;
        CHECK(onc_ps_render(&bad, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
        bad = rep;
        bad.balance_labels = NULL;
        CHECK(onc_ps_render(&bad, ONC_OUTPUT_JSON, stdout) == ONC_ERR_USAGE);
        bad = rep;
        bad.n_times = 1;
        CHECK(onc_ps_render(&bad, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
        bad = rep;
        bad.result = NULL;
        CHECK(onc_ps_render(&bad, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
        bad = rep;
        bad.balance = NULL;
        CHECK(onc_ps_render(&bad, ONC_OUTPUT_CSV, stdout) == ONC_ERR_USAGE);
        CHECK(onc_ps_render(NULL, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
    }
done:
    onc_balance_free(bal);
    onc_ps_positivity_free(pos);
    onc_ps_bootstrap_free(boot);
    onc_ps_outcome_free(res);
    onc_ps_design_free(d);
    golden_free(g);
    golden_free(c);
    return harness_finish();
}
