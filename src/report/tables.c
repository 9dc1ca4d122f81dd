/*
** tables.c -- the tables of the report as a journal prints them: Table 1
** (baseline characteristics), the time-to-event outcomes, the Cox models,
** tumour response and adverse events.
**
** Each table is built once as rows of text cells; report.html and the
** tables/NAME.csv files show the same cells, so what a reader copies from
** either is the same.  Rounding follows common journal practice: hazard
** ratios and their limits with two decimals, medians and rates with one,
** percentages with one, P values as onc_format_p() prints them.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/render.h"
#include "core/internal.h"
#include "report/report_internal.h"

#define EN_DASH "\xe2\x80\x93"
#define GE "\xe2\x89\xa5"

static void table_free(report_table *t)
{
    size_t k;

    free(t->id);
    free(t->title);
    free(t->note);
    for (k = 0; k < t->n_cols && t->header; k++)
        free(t->header[k]);
    free(t->header);
    for (k = 0; k < t->n_groups && t->group_header; k++)
        free(t->group_header[k]);
    free(t->group_header);
    for (k = 0; k < t->n_rows * t->n_cols; k++)
        free(t->cells[k]);
    free(t->cells);
    free(t->kind);
    memset(t, 0, sizeof *t);
}

void report_tables_free(report_table *t, size_t n)
{
    size_t k;

    if (t == NULL)
        return;
    for (k = 0; k < n; k++)
        table_free(&t[k]);
    free(t);
}

static onc_status table_init(report_table *t, const char *id, const char *title, size_t n_cols,
                             const char *const *header)
{
    size_t k;

    memset(t, 0, sizeof *t);
    t->id = onc_strdup(id);
    t->title = onc_strdup(title);
    t->n_cols = n_cols;
    t->header = onc_callocarray(n_cols, sizeof *t->header);
    if (t->id == NULL || t->title == NULL || t->header == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n_cols; k++)
        if ((t->header[k] = onc_strdup(header[k])) == NULL)
            return ONC_ERR_NOMEM;
    return ONC_OK;
}

/* Append a row; cells[k] may be NULL (empty). */
static onc_status table_row(report_table *t, report_row_kind kind, const char *const *cells)
{
    size_t k;

    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16, total;
        char **grown;
        unsigned char *kinds;
        if (onc_mul_overflow(cap, t->n_cols, &total) != 0)
            return ONC_ERR_NOMEM;
        grown = onc_reallocarray(t->cells, total, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        t->cells = grown;
        kinds = realloc(t->kind, cap);
        if (kinds == NULL)
            return ONC_ERR_NOMEM;
        t->kind = kinds;
        t->cap_rows = cap;
    }
    for (k = 0; k < t->n_cols; k++) {
        const char *c = cells[k] ? cells[k] : "";
        t->cells[t->n_rows * t->n_cols + k] = onc_strdup(c);
        if (t->cells[t->n_rows * t->n_cols + k] == NULL) {
            size_t j;
            for (j = 0; j < k; j++)
                free(t->cells[t->n_rows * t->n_cols + j]);
            return ONC_ERR_NOMEM;
        }
    }
    t->kind[t->n_rows] = (unsigned char)kind;
    t->n_rows++;
    return ONC_OK;
}

static onc_status table_note(report_table *t, const char *note)
{
    free(t->note);
    t->note = onc_strdup(note);
    return t->note ? ONC_OK : ONC_ERR_NOMEM;
}

/* A row buffer of n_cols cells of text. */
#define CELL 160
typedef struct row_buf {
    size_t n;
    char (*cell)[CELL];
    const char **ptr;
} row_buf;

static onc_status row_open(row_buf *b, size_t n)
{
    size_t k;

    b->n = n;
    b->cell = onc_callocarray(n, sizeof *b->cell);
    b->ptr = onc_callocarray(n, sizeof *b->ptr);
    if (b->cell == NULL || b->ptr == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n; k++)
        b->ptr[k] = b->cell[k];
    return ONC_OK;
}

static void row_clear(row_buf *b)
{
    size_t k;

    for (k = 0; k < b->n; k++)
        b->cell[k][0] = '\0';
}

static void row_close(row_buf *b)
{
    free(b->cell);
    free(b->ptr);
}

static void set(row_buf *b, size_t k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set(row_buf *b, size_t k, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->cell[k], CELL, fmt, ap);
    va_end(ap);
}

static void count_pct(char *buf, size_t cap, size_t n, size_t d)
{
    if (d == 0)
        snprintf(buf, cap, "%zu", n);
    else
        snprintf(buf, cap, "%zu (%.1f)", n, 100.0 * (double)n / (double)d);
}

static void p_text(char *buf, size_t cap, double p)
{
    if (isnan(p)) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    onc_format_p(p, buf, cap);
}

/* Decimals for a summary of values that may all be whole numbers. */
static int decimals_for(const double *v, size_t n, int whole_type)
{
    size_t k;

    if (!whole_type)
        return 1;
    for (k = 0; k < n; k++)
        if (isfinite(v[k]) && fabs(v[k] - round(v[k])) > 1e-9)
            return 1;
    return 0;
}

static void hr_text(char *buf, size_t cap, double hr, double lo, double hi)
{
    if (!isfinite(hr) || !(hr > 0)) {
        snprintf(buf, cap, "NE");
        return;
    }
    report_format_ci(buf, cap, hr, lo, hi, 2, "NE");
}

/* ---- Table 1 ---- */

static onc_status build_table1(const onc_report *r, report_table *t)
{
    const onc_table1 *tb = r->table1;
    const onc_plan *p = r->plan;
    size_t n_arms = tb->n_arms, groups = n_arms + 1, n_cols, k, v, l;
    int show_p = p->baseline_compare == ONC_TABLE1_COMPARE_P || p->baseline_compare == ONC_TABLE1_COMPARE_BOTH;
    int show_smd = p->baseline_compare == ONC_TABLE1_COMPARE_SMD || p->baseline_compare == ONC_TABLE1_COMPARE_BOTH;
    const char **header;
    char (*hbuf)[CELL];
    row_buf b;
    onc_status st;
    int used_test[8] = {0};
    char note[1024];
    size_t used = 0;

    if (n_arms < 2)
        show_p = show_smd = 0;
    n_cols = 1 + groups + (size_t)show_p + (size_t)show_smd;
    header = onc_callocarray(n_cols, sizeof *header);
    hbuf = onc_callocarray(n_cols, sizeof *hbuf);
    if (header == NULL || hbuf == NULL) {
        free(header);
        free(hbuf);
        return ONC_ERR_NOMEM;
    }
    snprintf(hbuf[0], CELL, "Characteristic");
    for (k = 0; k < groups; k++)
        snprintf(hbuf[1 + k], CELL, "%s (n = %zu)", k < n_arms ? tb->arms[k] : "All patients", tb->arm_n[k]);
    if (show_p)
        snprintf(hbuf[1 + groups], CELL, "P value");
    if (show_smd)
        snprintf(hbuf[1 + groups + (size_t)show_p], CELL, "SMD");
    for (k = 0; k < n_cols; k++)
        header[k] = hbuf[k];
    st = table_init(t, "table1", "Baseline characteristics of the patients", n_cols, header);
    free(header);
    free(hbuf);
    if (st != ONC_OK || (st = row_open(&b, n_cols)) != ONC_OK)
        return st;
    for (v = 0; v < tb->n_rows && st == ONC_OK; v++) {
        const onc_table1_row *row = &tb->rows[v];
        size_t any_missing = row->missing[n_arms];
        row_clear(&b);
        if (row->test != ONC_TEST_NONE)
            used_test[row->test] = 1;
        if (show_p)
            p_text(b.cell[1 + groups], CELL, row->p_value);
        if (show_smd && isfinite(row->smd))
            set(&b, 1 + groups + (size_t)show_p, "%.2f", row->smd);
        if (row->summary == ONC_TABLE1_COUNT && row->binary) {
            set(&b, 0, "%s, n (%%)", row->label);
            for (k = 0; k < groups; k++)
                count_pct(b.cell[1 + k], CELL, row->counts[k], row->n[k]);
            st = table_row(t, REPORT_ROW_PLAIN, b.ptr);
        } else if (row->summary == ONC_TABLE1_COUNT) {
            set(&b, 0, "%s, n (%%)", row->label);
            if ((st = table_row(t, REPORT_ROW_GROUP, b.ptr)) != ONC_OK)
                break;
            for (l = 0; l < row->n_levels && st == ONC_OK; l++) {
                row_clear(&b);
                set(&b, 0, "%s", row->levels[l]);
                for (k = 0; k < groups; k++)
                    count_pct(b.cell[1 + k], CELL, row->counts[l * groups + k], row->n[k]);
                st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
            }
        } else {
            int whole = row->type == ONC_COL_INTEGER;
            if (row->summary == ONC_TABLE1_MEAN_SD) {
                set(&b, 0, "%s, mean (SD)", row->label);
                for (k = 0; k < groups; k++) {
                    char m[64], s[64];
                    onc_format_human(row->mean[k], 1, "NA", m, sizeof m);
                    onc_format_human(row->sd[k], 1, "NA", s, sizeof s);
                    set(&b, 1 + k, "%s (%s)", m, s);
                }
            } else {
                int dec;
                double all[3 * (ONC_PLAN_MAX_ARMS + 1)];
                size_t m = 0;
                for (k = 0; k < groups; k++) {
                    all[m++] = row->median[k];
                    all[m++] = row->q1[k];
                    all[m++] = row->q3[k];
                }
                dec = decimals_for(all, m, whole);
                set(&b, 0, "%s, median (IQR)", row->label);
                for (k = 0; k < groups; k++) {
                    char md[64], a[64], z[64];
                    onc_format_human(row->median[k], dec, "NA", md, sizeof md);
                    onc_format_human(row->q1[k], dec, "NA", a, sizeof a);
                    onc_format_human(row->q3[k], dec, "NA", z, sizeof z);
                    set(&b, 1 + k, "%s (%s" EN_DASH "%s)", md, a, z);
                }
            }
            st = table_row(t, REPORT_ROW_PLAIN, b.ptr);
        }
        if (st == ONC_OK && any_missing > 0) {
            row_clear(&b);
            set(&b, 0, "Missing");
            for (k = 0; k < groups; k++)
                set(&b, 1 + k, "%zu", row->missing[k]);
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
    }
    row_close(&b);
    if (st != ONC_OK)
        return st;
    note[0] = '\0';
    used += (size_t)snprintf(note, sizeof note, "Percentages are of the patients with a known value.");
    if (show_p) {
        used += (size_t)snprintf(note + used, sizeof note - used, " P values:");
        if (used_test[ONC_TEST_KRUSKAL])
            used += (size_t)snprintf(note + used, sizeof note - used, " Kruskal" EN_DASH "Wallis test for medians;");
        if (used_test[ONC_TEST_WILCOXON])
            used += (size_t)snprintf(note + used, sizeof note - used, " Wilcoxon rank-sum test for medians;");
        if (used_test[ONC_TEST_ANOVA])
            used += (size_t)snprintf(note + used, sizeof note - used, " one-way analysis of variance for means;");
        if (used_test[ONC_TEST_WELCH])
            used += (size_t)snprintf(note + used, sizeof note - used, " Welch's t-test for means;");
        if (used_test[ONC_TEST_CHISQ] || used_test[ONC_TEST_FISHER])
            used += (size_t)snprintf(note + used, sizeof note - used,
                                     " Pearson's chi-square test for categories, or Fisher's exact test "
                                     "when an expected count was below 5;");
        if (used < sizeof note && note[used - 1] == ';')
            note[used - 1] = '.';
    }
    if (show_smd && used < sizeof note)
        snprintf(note + used, sizeof note - used,
                 " SMD: standardised mean difference, the mean over the pairs of arms.");
    return table_note(t, note);
}

/* ---- time-to-event outcomes ---- */

static onc_status build_efficacy(const onc_report *r, report_table *t)
{
    size_t n_arms = r->n_arms, n_cols = n_arms + 2, e, k, j;
    const char **header = onc_callocarray(n_cols, sizeof *header);
    char (*hbuf)[CELL] = onc_callocarray(n_cols, sizeof *hbuf);
    row_buf b;
    onc_status st;
    char note[1024];
    int pct = (int)(100 * r->plan->conf_level + 0.5);

    if (header == NULL || hbuf == NULL) {
        free(header);
        free(hbuf);
        return ONC_ERR_NOMEM;
    }
    snprintf(hbuf[0], CELL, "Outcome");
    for (k = 0; k < n_arms; k++)
        snprintf(hbuf[1 + k], CELL, "%s (n = %zu)", r->arm_label[k], r->arm_n[k]);
    snprintf(hbuf[1 + n_arms], CELL, "P value");
    for (k = 0; k < n_cols; k++)
        header[k] = hbuf[k];
    st = table_init(t, "efficacy", "Time-to-event outcomes by treatment", n_cols, header);
    free(header);
    free(hbuf);
    if (st != ONC_OK || (st = row_open(&b, n_cols)) != ONC_OK)
        return st;
    for (e = 0; e < r->n_endpoints && st == ONC_OK; e++) {
        const report_endpoint *ep = &r->endpoints[e];
        const char *unit = onc_time_unit_name(ep->unit);
        if (!ep->km_shown)
            continue;
        row_clear(&b);
        set(&b, 0, "%s", ep->plan->label ? ep->plan->label : ep->plan->name);
        if ((st = table_row(t, REPORT_ROW_GROUP, b.ptr)) != ONC_OK)
            break;
        row_clear(&b);
        set(&b, 0, "Patients analysed");
        for (k = 0; k < n_arms; k++)
            set(&b, 1 + k, "%zu", ep->km->curves[k].n);
        if ((st = table_row(t, REPORT_ROW_LEVEL, b.ptr)) != ONC_OK)
            break;
        row_clear(&b);
        set(&b, 0, "Events, n (%%)");
        for (k = 0; k < n_arms; k++)
            count_pct(b.cell[1 + k], CELL, (size_t)ep->km->curves[k].events, ep->km->curves[k].n);
        if ((st = table_row(t, REPORT_ROW_LEVEL, b.ptr)) != ONC_OK)
            break;
        /* Which event came first, as ADaM's EVNTDESC: only with several. */
        if (ep->plan->n_events > 1) {
            for (j = 0; j < ep->n_desc && st == ONC_OK; j++) {
                const char *d = ep->derived->descriptions[j];
                if (strncmp(d, "Censored", 8) == 0)
                    continue;
                row_clear(&b);
                set(&b, 0, "\xc2\xa0\xc2\xa0%s", d);
                for (k = 0; k < n_arms; k++)
                    set(&b, 1 + k, "%zu", ep->desc_count[k * ep->n_desc + j]);
                st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
            }
            if (st != ONC_OK)
                break;
        }
        row_clear(&b);
        set(&b, 0, "Median (%d%% CI), %s", pct, unit);
        for (k = 0; k < n_arms; k++) {
            const onc_km_quantile *q = &ep->km->curves[k].median;
            report_format_ci(b.cell[1 + k], CELL, q->estimate, q->lower, q->upper, 1, "NR");
        }
        if (ep->logrank && !ep->logrank->singular)
            p_text(b.cell[1 + n_arms], CELL, ep->logrank->p_value);
        if ((st = table_row(t, REPORT_ROW_LEVEL, b.ptr)) != ONC_OK)
            break;
        for (j = 0; j < ep->km->curves[0].n_times && st == ONC_OK; j++) {
            double tm = ep->km->curves[0].at_times[j].time;
            char tb[32];
            row_clear(&b);
            onc_format_human(tm, -1, "", tb, sizeof tb);
            set(&b, 0, "%s-%s rate, %% (%d%% CI)", tb, report_unit_singular_of(ep->unit), pct);
            for (k = 0; k < n_arms; k++) {
                const onc_km_at_time *at = &ep->km->curves[k].at_times[j];
                if (!at->in_range)
                    set(&b, 1 + k, "NA");
                else
                    report_format_ci(b.cell[1 + k], CELL, 100 * at->surv, 100 * at->lower,
                                     100 * at->upper, 1, "NA");
            }
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
        if (st != ONC_OK)
            break;
        if (ep->has_arm_cox) {
            const report_cox *c = &ep->arm_cox;
            row_clear(&b);
            set(&b, 0, "Hazard ratio (%d%% CI)", pct);
            for (k = 0; k < n_arms; k++) {
                if (k == r->reference) {
                    set(&b, 1 + k, "1 (reference)");
                    continue;
                }
                if (!c->fitted)
                    continue;
                for (j = 0; j < c->n_hr; j++)
                    if (c->hr[j].level && strcmp(c->hr[j].level, r->arm_label[k]) == 0)
                        hr_text(b.cell[1 + k], CELL, c->hr[j].hr, c->hr[j].lower, c->hr[j].upper);
            }
            if ((st = table_row(t, REPORT_ROW_LEVEL, b.ptr)) != ONC_OK)
                break;
            row_clear(&b);
            set(&b, 0, "P value (Wald) vs %s", r->arm_label[r->reference]);
            for (k = 0; k < n_arms && c->fitted; k++)
                for (j = 0; j < c->n_hr; j++)
                    if (k != r->reference && c->hr[j].level && strcmp(c->hr[j].level, r->arm_label[k]) == 0)
                        p_text(b.cell[1 + k], CELL, c->hr[j].p);
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
    }
    row_close(&b);
    if (st != ONC_OK)
        return st;
    snprintf(note, sizeof note,
             "Medians and rates by the Kaplan" EN_DASH "Meier method with %d%% CIs (%s transformation; "
             "medians by Brookmeyer" EN_DASH "Crowley); NR, not reached; NA, no patient followed that long. "
             "P value column: log-rank test across all arms. Hazard ratios from Cox models with "
             "treatment as the only covariate (%s ties).",
             pct, r->plan->conf_type == 1 ? "log-log" : r->plan->conf_type == 2 ? "plain" : "log",
             r->plan->cox_ties == 1 ? "Breslow" : "Efron");
    return table_note(t, note);
}

/* ---- Cox models ---- */

/* Rows of one variable: a heading with the reference level and the other
** levels under it, or one row for a number (HR per unit). */
static onc_status cox_variable_rows(report_table *t, row_buf *b, const char *variable,
                                    const report_cox *uni, const report_cox *adj)
{
    const char *label = NULL, *reference = NULL;
    size_t j, m, n_levels = 0;
    const char *levels[64];
    onc_status st;

    /* The levels in model order, from either model. */
    for (m = 0; m < 2; m++) {
        const report_cox *c = m == 0 ? uni : adj;
        if (c == NULL || !c->fitted)
            continue;
        for (j = 0; j < c->n_hr; j++) {
            size_t q;
            if (strcmp(c->hr[j].variable, variable) != 0)
                continue;
            label = c->hr[j].label;
            if (c->hr[j].reference)
                reference = c->hr[j].reference;
            for (q = 0; q < n_levels; q++)
                if ((levels[q] == NULL && c->hr[j].level == NULL) ||
                    (levels[q] && c->hr[j].level && strcmp(levels[q], c->hr[j].level) == 0))
                    break;
            if (q == n_levels && n_levels < 64)
                levels[n_levels++] = c->hr[j].level;
        }
    }
    if (label == NULL) {
        /* Neither model could be fitted: say so on one row. */
        row_clear(b);
        set(b, 0, "%s", uni && uni->label ? uni->label : variable);
        set(b, 1, "%s", "not estimable");
        return table_row(t, REPORT_ROW_PLAIN, b->ptr);
    }
    if (reference != NULL) {
        row_clear(b);
        set(b, 0, "%s", label);
        if ((st = table_row(t, REPORT_ROW_GROUP, b->ptr)) != ONC_OK)
            return st;
        row_clear(b);
        set(b, 0, "%s", reference);
        if (uni)
            set(b, 1, "1 (reference)");
        if (adj)
            set(b, 3, "1 (reference)");
        if ((st = table_row(t, REPORT_ROW_LEVEL, b->ptr)) != ONC_OK)
            return st;
    }
    for (j = 0; j < n_levels; j++) {
        row_clear(b);
        if (reference == NULL)
            set(b, 0, "%s (per unit)", label);
        else
            set(b, 0, "%s", levels[j] ? levels[j] : "");
        for (m = 0; m < 2; m++) {
            const report_cox *c = m == 0 ? uni : adj;
            size_t q;
            if (c == NULL)
                continue;
            if (!c->fitted) {
                set(b, 1 + 2 * m, "not estimable");
                continue;
            }
            for (q = 0; q < c->n_hr; q++) {
                const report_hr *h = &c->hr[q];
                if (strcmp(h->variable, variable) != 0)
                    continue;
                if ((h->level == NULL) != (levels[j] == NULL) ||
                    (h->level && strcmp(h->level, levels[j]) != 0))
                    continue;
                hr_text(b->cell[1 + 2 * m], CELL, h->hr, h->lower, h->upper);
                p_text(b->cell[2 + 2 * m], CELL, h->p);
            }
        }
        if ((st = table_row(t, reference ? REPORT_ROW_LEVEL : REPORT_ROW_PLAIN, b->ptr)) != ONC_OK)
            return st;
    }
    return ONC_OK;
}

static onc_status build_cox(const onc_report *r, const report_cox_set *cs, report_table *t)
{
    const report_endpoint *ep = &r->endpoints[cs->endpoint];
    const onc_plan *p = r->plan;
    char title[256], id[64], note[1024], hb[2][CELL];
    const char *h[5];
    row_buf b;
    size_t k, j;
    onc_status st;
    int pct = (int)(100 * p->conf_level + 0.5);

    snprintf(title, sizeof title, "Factors associated with %s: Cox proportional hazards models",
             ep->plan->label ? ep->plan->label : ep->plan->name);
    snprintf(id, sizeof id, "cox_%s", ep->plan->name);
    snprintf(hb[0], CELL, "Univariable HR (%d%% CI)", pct);
    snprintf(hb[1], CELL, "Multivariable HR (%d%% CI)", pct);
    h[0] = "Variable";
    h[1] = hb[0];
    h[2] = "P value";
    h[3] = hb[1];
    h[4] = "P value";
    if ((st = table_init(t, id, title, 5, h)) != ONC_OK || (st = row_open(&b, 5)) != ONC_OK)
        return st;
    for (k = 0; k < cs->n_univariable && st == ONC_OK; k++) {
        const report_cox *u = &cs->univariable[k];
        const report_cox *a = NULL;
        if (cs->has_adjusted)
            for (j = 0; j < p->n_cox_adjusted; j++)
                if (strcmp(p->cox_adjusted[j].text, u->variable) == 0)
                    a = &cs->adjusted;
        st = cox_variable_rows(t, &b, u->variable, u, a);
    }
    for (j = 0; j < p->n_cox_adjusted && cs->has_adjusted && st == ONC_OK; j++) {
        int seen = 0;
        for (k = 0; k < cs->n_univariable; k++)
            seen |= strcmp(cs->univariable[k].variable, p->cox_adjusted[j].text) == 0;
        if (!seen)
            st = cox_variable_rows(t, &b, p->cox_adjusted[j].text, NULL, &cs->adjusted);
    }
    row_close(&b);
    if (st != ONC_OK)
        return st;
    {
        size_t used = (size_t)snprintf(note, sizeof note,
            "HR, hazard ratio with Wald %d%% CI and P; %s's method for ties. Univariable: each "
            "variable alone.", pct, p->cox_ties == 1 ? "Breslow" : "Efron");
        if (cs->has_adjusted && cs->adjusted.fitted)
            snprintf(note + used, sizeof note - used,
                     " Multivariable: the variables with an entry in that column, together "
                     "(%zu patients, %zu events%s%s).",
                     cs->adjusted.n, cs->adjusted.events,
                     cs->adjusted.excluded.n_excluded ? "; patients with a missing value left out" : "",
                     cs->adjusted.monotone ? "; monotone likelihood: an estimate may be infinite" : "");
        else if (cs->has_adjusted)
            snprintf(note + used, sizeof note - used, " The multivariable model could not be fitted: %s.",
                     cs->adjusted.problem ? cs->adjusted.problem : "no result");
    }
    return table_note(t, note);
}

/* ---- response ---- */

static onc_status build_response(const onc_report *r, report_table *t)
{
    static const char *const names[] = {"Complete response (CR)", "Partial response (PR)",
                                        "Stable disease (SD)", "Progressive disease (PD)",
                                        "Not evaluable (NE)"};
    size_t n_arms = r->n_arms, groups = n_arms + 1, n_cols = groups + 2, c, k, q;
    const char **header = onc_callocarray(n_cols, sizeof *header);
    char (*hbuf)[CELL] = onc_callocarray(n_cols, sizeof *hbuf);
    row_buf b;
    onc_status st;
    char note[1024];
    int pct = (int)(100 * r->plan->conf_level + 0.5);

    if (header == NULL || hbuf == NULL) {
        free(header);
        free(hbuf);
        return ONC_ERR_NOMEM;
    }
    snprintf(hbuf[0], CELL, "Best overall response");
    for (k = 0; k < groups; k++)
        snprintf(hbuf[1 + k], CELL, "%s (n = %zu)", k < n_arms ? r->arm_label[k] : "All patients",
                 r->arm_n[k]);
    snprintf(hbuf[1 + groups], CELL, "P value");
    for (k = 0; k < n_cols; k++)
        header[k] = hbuf[k];
    st = table_init(t, "response", "Tumour response", n_cols, header);
    free(header);
    free(hbuf);
    if (st != ONC_OK || (st = row_open(&b, n_cols)) != ONC_OK)
        return st;
    for (c = 0; c < r->n_responses && st == ONC_OK; c++) {
        const report_response *rr = &r->responses[c];
        row_clear(&b);
        set(&b, 0, "%s criteria%s%s", onc_plan_criteria_name(rr->criteria),
            r->plan->response_organ.text ? ", " : "",
            r->plan->response_organ.text ? r->plan->response_organ.text : "");
        if ((st = table_row(t, REPORT_ROW_GROUP, b.ptr)) != ONC_OK)
            break;
        for (q = 0; q < ONC_RESPONSE_N && st == ONC_OK; q++) {
            size_t all = 0;
            row_clear(&b);
            set(&b, 0, "%s", names[q]);
            for (k = 0; k < n_arms; k++) {
                size_t v = rr->count[k * ONC_RESPONSE_N + q];
                all += v;
                count_pct(b.cell[1 + k], CELL, v, r->arm_n[k]);
            }
            count_pct(b.cell[1 + n_arms], CELL, all, r->arm_n[n_arms]);
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
        for (q = 0; q < 2 && st == ONC_OK; q++) {
            const onc_proportion *pr = q == 0 ? rr->orr : rr->dcr;
            row_clear(&b);
            set(&b, 0, "%s", q == 0 ? "Objective response (CR + PR)" : "Disease control (CR + PR + SD)");
            for (k = 0; k < groups; k++)
                count_pct(b.cell[1 + k], CELL, pr[k].count, pr[k].n);
            p_text(b.cell[n_cols - 1], CELL, q == 0 ? rr->orr_p : rr->dcr_p);
            if ((st = table_row(t, REPORT_ROW_LEVEL, b.ptr)) != ONC_OK)
                break;
            row_clear(&b);
            set(&b, 0, "\xc2\xa0\xc2\xa0%d%% CI", pct);
            for (k = 0; k < groups; k++) {
                char lo[32], hi[32];
                onc_format_human(100 * pr[k].lower, 1, "NA", lo, sizeof lo);
                onc_format_human(100 * pr[k].upper, 1, "NA", hi, sizeof hi);
                set(&b, 1 + k, "%s" EN_DASH "%s", lo, hi);
            }
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
        if (st == ONC_OK && n_arms >= 2) {
            row_clear(&b);
            set(&b, 0, "Odds ratio of response (%d%% CI)", pct);
            for (k = 0; k < n_arms; k++) {
                const onc_odds_ratio *o = &rr->orr_or[k];
                if (k == r->reference)
                    set(&b, 1 + k, "1 (reference)");
                else if (isfinite(o->conditional_mle))
                    report_format_ci(b.cell[1 + k], CELL, o->conditional_mle, o->exact_lower,
                                     o->exact_upper, 2, "Inf");
                else
                    set(&b, 1 + k, "NE");
            }
            st = table_row(t, REPORT_ROW_LEVEL, b.ptr);
        }
    }
    row_close(&b);
    if (st != ONC_OK)
        return st;
    snprintf(note, sizeof note,
             "n (%%) of all patients analysed; patients without a follow-up assessment are not "
             "evaluable%s%s%s. CIs of the rates: exact (Clopper" EN_DASH "Pearson). P values: Fisher's "
             "exact test across arms. Odds ratios against %s: conditional maximum likelihood with exact "
             "CIs (R fisher.test).",
             r->plan->confirm_days > 0 ? "; CR and PR confirmed by a later assessment" : "",
             r->plan->min_sd_days > 0 ? "; SD counted only after the minimum interval" : "",
             r->plan->response_organ.text ? "; lesions of the named organ only" : "",
             r->arm_label[r->reference]);
    return table_note(t, note);
}

/* ---- adverse events ---- */

static onc_status build_safety(const onc_report *r, report_table *t)
{
    const onc_ae_table *ae = r->ae;
    size_t n_arms = ae->n_arms, n_cols = 1 + 2 * (n_arms + 1), k, i, shown;
    const char **header = onc_callocarray(n_cols, sizeof *header);
    char (*hbuf)[CELL] = onc_callocarray(n_cols, sizeof *hbuf);
    row_buf b;
    onc_status st;
    char note[1024];

    if (header == NULL || hbuf == NULL) {
        free(header);
        free(hbuf);
        return ONC_ERR_NOMEM;
    }
    snprintf(hbuf[0], CELL, "Adverse event");
    for (k = 0; k <= n_arms; k++) {
        snprintf(hbuf[1 + 2 * k], CELL, "Any grade");
        snprintf(hbuf[2 + 2 * k], CELL, "Grade " GE "3");
    }
    for (k = 0; k < n_cols; k++)
        header[k] = hbuf[k];
    st = table_init(t, "safety", "Adverse events by worst CTCAE grade", n_cols, header);
    free(header);
    free(hbuf);
    if (st != ONC_OK)
        return st;
    t->group_span = 2;
    t->group_header = onc_callocarray(n_arms + 1, sizeof *t->group_header);
    if (t->group_header == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k <= n_arms; k++) {
        char g[CELL];
        snprintf(g, sizeof g, "%s (n = %zu)", k < n_arms ? ae->arms[k] : "All patients",
                 k < n_arms ? ae->arm_size[k] : ae->n_patients);
        if ((t->group_header[k] = onc_strdup(g)) == NULL)
            return ONC_ERR_NOMEM;
        t->n_groups = k + 1;
    }
    if ((st = row_open(&b, n_cols)) != ONC_OK)
        return st;
    shown = r->plan->safety_top && r->plan->safety_top < ae->n_rows ? r->plan->safety_top : ae->n_rows;
    for (i = 0; i <= shown && st == ONC_OK; i++) {
        const onc_ae_row *row = i == 0 ? &ae->any : &ae->rows[i - 1];
        row_clear(&b);
        set(&b, 0, "%s", i == 0 ? "Any adverse event" : row->term);
        for (k = 0; k <= n_arms; k++) {
            const onc_ae_count *c = k < n_arms ? &row->arms[k] : &row->total;
            size_t d = k < n_arms ? ae->arm_size[k] : ae->n_patients;
            count_pct(b.cell[1 + 2 * k], CELL, c->any_grade, d);
            count_pct(b.cell[2 + 2 * k], CELL, c->grade3_plus, d);
        }
        st = table_row(t, i == 0 ? REPORT_ROW_GROUP : REPORT_ROW_LEVEL, b.ptr);
    }
    row_close(&b);
    if (st != ONC_OK)
        return st;
    {
        size_t used = (size_t)snprintf(note, sizeof note,
            "Patients counted once per term at their worst grade (CTCAE), n (%%) of all patients of "
            "the arm. ");
        if (shown < ae->n_rows)
            used += (size_t)snprintf(note + used, sizeof note - used,
                                     "The %zu most frequent of %zu terms are shown (results.json has all). ",
                                     shown, ae->n_rows);
        if (ae->n_grade5 == 0)
            snprintf(note + used, sizeof note - used, "No fatal (grade 5) adverse event.");
        else {
            used += (size_t)snprintf(note + used, sizeof note - used, "Fatal (grade 5) events: ");
            for (i = 0; i < ae->n_grade5 && used < sizeof note; i++)
                used += (size_t)snprintf(note + used, sizeof note - used, "%s%s (patient %s, %s)",
                                         i ? "; " : "", ae->grade5[i].term, ae->grade5[i].patient,
                                         ae->arms[ae->grade5[i].arm]);
            if (used < sizeof note)
                snprintf(note + used, sizeof note - used, ".");
        }
    }
    return table_note(t, note);
}

onc_status report_tables(const onc_report *r, report_table **out, size_t *n)
{
    report_table *t;
    size_t cap = 4 + r->n_cox_sets, m = 0, k;
    onc_status st = ONC_OK;
    int any_km = 0;

    *out = NULL;
    *n = 0;
    t = onc_callocarray(cap, sizeof *t);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < r->n_endpoints; k++)
        any_km |= r->endpoints[k].km_shown;
    if (r->table1 != NULL && (st = build_table1(r, &t[m++])) != ONC_OK)
        goto fail;
    if (any_km && (st = build_efficacy(r, &t[m++])) != ONC_OK)
        goto fail;
    for (k = 0; k < r->n_cox_sets; k++)
        if ((st = build_cox(r, &r->cox_sets[k], &t[m++])) != ONC_OK)
            goto fail;
    if (r->n_responses > 0 && (st = build_response(r, &t[m++])) != ONC_OK)
        goto fail;
    if (r->ae != NULL && (st = build_safety(r, &t[m++])) != ONC_OK)
        goto fail;
    *out = t;
    *n = m;
    return ONC_OK;
fail:
    report_tables_free(t, m);
    return st;
}
