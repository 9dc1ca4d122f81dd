/*
** report.c -- run every analysis of a study plan (onc_report_run) and write
** the outputs (onc_report_write).
**
** The order is the order of a paper: the patient flow (eligibility.c), the
** baseline table (table1.c), then for each endpoint the derivation from
** dates (oncostat/endpoint.h), Kaplan-Meier curves by arm with rates at the
** plan's times, the log-rank test and the hazard ratio of each arm against
** the reference (Cox, Efron ties); Cox models of each variable alone and
** the adjusted model; hazard ratios in subgroups with a likelihood-ratio
** test for interaction; tumour response by each criteria with ORR and DCR;
** adverse events by worst grade.  Every estimate comes from the library's
** estimators on plain arrays or on the model frame of a formula, exactly as
** the individual commands (`oncostat km`, `cox`, `rates`, `response`,
** `ae`) compute them, so the report and the commands agree to the last
** digit on the derived data set written beside the report.
**
** Problems of the plan against the data (a missing column, a column of the
** wrong type, an arm nobody is in) are errors naming the plan line.
** Numerical outcomes (no events in a subgroup, a model that does not
** converge) are results: the report says "not estimable" and why.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/report.h"
#include "oncostat/read.h"
#include "oncostat/render.h"
#include "oncostat/date.h"
#include "oncostat/expr.h"
#include "oncostat/formula.h"
#include "oncostat/model.h"
#include "oncostat/plot.h"
#include "oncostat/plot_adapt.h"
#include "core/internal.h"
#include "report/report_internal.h"

#define NO_FIGURE ((size_t)-1)

/* ====================================================================== */
/* Small helpers                                                           */
/* ====================================================================== */

void report_buf_append(report_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *grown;
        while (cap < b->len + n + 1) {
            if (cap > ((size_t)1 << 40)) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void report_buf_printf(report_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        report_buf_append(b, small, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        if (big == NULL) {
            b->failed = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        report_buf_append(b, big, (size_t)n);
        free(big);
    }
}

void report_buf_free(report_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void report_format_ci(char *buf, size_t cap, double est, double lo, double hi,
                      int decimals, const char *na)
{
    char e[64], l[64], h[64];

    onc_format_human(est, decimals, na, e, sizeof e);
    if (isnan(est) && isnan(lo) && isnan(hi)) {
        snprintf(buf, cap, "%s", e);
        return;
    }
    onc_format_human(lo, decimals, na, l, sizeof l);
    onc_format_human(hi, decimals, na, h, sizeof h);
    /* The en dash is the journals' range sign. */
    snprintf(buf, cap, "%s (%s\xe2\x80\x93%s)", e, l, h);
}

const char *report_unit_singular_of(onc_time_unit unit)
{
    switch (unit) {
    case ONC_UNIT_DAYS: return "day";
    case ONC_UNIT_WEEKS: return "week";
    case ONC_UNIT_MONTHS: return "month";
    case ONC_UNIT_YEARS: return "year";
    }
    return "";
}


static onc_status plan_error(const onc_report *r, onc_error *err, onc_status st, size_t line,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static onc_status plan_error(const onc_report *r, onc_error *err, onc_status st, size_t line,
                             const char *fmt, ...)
{
    char msg[900];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return onc_error_set(err, st, r->plan->source, 0, line, NULL, "%s", msg);
}

/* Record `prefix` + inner's message as the error (inner may be err). */
static onc_status wrap_error(onc_error *err, onc_status st, const char *file, size_t line,
                             const char *prefix, const onc_error *inner)
{
    char msg[1400];

    snprintf(msg, sizeof msg, "%s%s", prefix, inner ? inner->message : "");
    return onc_error_set(err, st, file, 0, line, NULL, "%s", msg);
}

/* Base name of a path, for messages. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* The text of cell (col, i): level, number, date or TRUE/FALSE. */
static void cell_text(const onc_column *c, size_t i, char *buf, size_t cap)
{
    if (onc_column_is_missing(c, i)) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    switch (c->type) {
    case ONC_COL_FACTOR:
        snprintf(buf, cap, "%s", c->levels[c->code[i]]);
        break;
    case ONC_COL_DATE:
        onc_date_format(c->num[i], buf, cap);
        break;
    case ONC_COL_LOGICAL:
        snprintf(buf, cap, "%s", c->num[i] != 0 ? "TRUE" : "FALSE");
        break;
    default:
        onc_format_double(c->num[i], buf, cap);
        break;
    }
}

/* Column `t` of `df` (read from `file`), or an error at the plan line. */
static onc_status need_column(const onc_report *r, const onc_frame *df, const char *file,
                              const onc_plan_text *t, const char *what, long *index,
                              onc_error *err)
{
    const char **names;
    const char *near;
    size_t k;

    *index = onc_frame_find(df, t->text);
    if (*index >= 0)
        return ONC_OK;
    names = onc_mallocarray(df->n_cols ? df->n_cols : 1, sizeof *names);
    if (names == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < df->n_cols; k++)
        names[k] = df->cols[k].name;
    near = report_closest(t->text, names, df->n_cols);
    free(names);
    if (near != NULL)
        return plan_error(r, err, ONC_ERR_USAGE, t->line,
                          "%s: column '%s' is not in %s (did you mean '%s'?)",
                          what, t->text, base_name(file), near);
    return plan_error(r, err, ONC_ERR_USAGE, t->line, "%s: column '%s' is not in %s",
                      what, t->text, base_name(file));
}

/* A column that must hold dates (or be entirely empty, which a reader
** cannot type). */
static onc_status need_date(const onc_report *r, const onc_frame *df, const char *file,
                            const onc_plan_text *t, const char *what, onc_error *err)
{
    long c;
    size_t i;
    onc_status st = need_column(r, df, file, t, what, &c, err);

    if (st != ONC_OK)
        return st;
    if (df->cols[c].type == ONC_COL_DATE)
        return ONC_OK;
    for (i = 0; i < df->n_rows; i++)
        if (!onc_column_is_missing(&df->cols[c], i))
            return plan_error(r, err, ONC_ERR_USAGE, t->line,
                              "%s: column '%s' of %s must hold dates (YYYY-MM-DD, or set "
                              "date_format), but it was read as %s",
                              what, t->text, base_name(file), onc_coltype_name(df->cols[c].type));
    return ONC_OK;
}

/* Read a data file of the plan. */
static onc_status read_file(const onc_report *r, const onc_plan_file *f, onc_frame **out,
                            onc_error *err)
{
    onc_read_options opt;
    onc_status st;

    onc_read_options_init(&opt);
    opt.csv.date_format = f->date_format.text;
    if (f->na != NULL) {
        opt.csv.na_tokens = (const char *const *)f->na;
        opt.csv.n_na_tokens = f->n_na;
    }
    st = onc_read(f->path, &opt, out, err);
    if (st == ONC_ERR_IO && err != NULL)
        return wrap_error(err, st, r->plan->source, f->file.line, "data file named on this line: ", err);
    return st;
}

/* ====================================================================== */
/* Arms and the analysis set                                               */
/* ====================================================================== */

static const char *arm_label_of(const onc_plan *p, const char *value)
{
    size_t k;

    for (k = 0; k < p->n_arm_labels; k++)
        if (strcmp(p->arm_labels[k].value.text, value) == 0)
            return p->arm_labels[k].label;
    return value;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Arm codes of the screened rows (-1 missing) and the arm list. */
static onc_status setup_arms(onc_report *r, int32_t **codes, onc_error *err)
{
    const onc_plan *p = r->plan;
    const onc_frame *df = r->screened;
    long c;
    size_t i, k, n = df->n_rows;
    char buf[256];
    onc_status st = need_column(r, df, p->patients.path, &p->arm_column, "arms.column", &c, err);
    int32_t *code;

    if (st != ONC_OK)
        return st;
    if (df->cols[c].type == ONC_COL_DATE)
        return plan_error(r, err, ONC_ERR_USAGE, p->arm_column.line,
                          "arms.column: column '%s' holds dates, not treatment arms", p->arm_column.text);
    code = onc_mallocarray(n ? n : 1, sizeof *code);
    if (code == NULL)
        return ONC_ERR_NOMEM;
    if (p->n_arm_order > 0) {
        r->n_arms = p->n_arm_order;
        r->arm_value = onc_callocarray(r->n_arms, sizeof *r->arm_value);
        if (r->arm_value == NULL)
            goto nomem;
        for (k = 0; k < r->n_arms; k++)
            if ((r->arm_value[k] = onc_strdup(p->arm_order[k].text)) == NULL)
                goto nomem;
    } else {
        /* The levels present, sorted by bytes as the readers sort them. */
        char **vals = onc_callocarray(n ? n : 1, sizeof *vals);
        size_t m = 0;
        if (vals == NULL)
            goto nomem;
        for (i = 0; i < n; i++) {
            if (onc_column_is_missing(&df->cols[c], i))
                continue;
            cell_text(&df->cols[c], i, buf, sizeof buf);
            vals[m] = onc_strdup(buf);
            if (vals[m] == NULL) {
                for (k = 0; k < m; k++)
                    free(vals[k]);
                free(vals);
                goto nomem;
            }
            m++;
        }
        qsort(vals, m, sizeof *vals, cmp_str);
        r->arm_value = onc_callocarray(m ? m : 1, sizeof *r->arm_value);
        if (r->arm_value == NULL) {
            for (k = 0; k < m; k++)
                free(vals[k]);
            free(vals);
            goto nomem;
        }
        for (i = 0; i < m; i++) {
            if (r->n_arms > 0 && strcmp(r->arm_value[r->n_arms - 1], vals[i]) == 0) {
                free(vals[i]);
                continue;
            }
            r->arm_value[r->n_arms++] = vals[i];
        }
        free(vals);
        if (r->n_arms > ONC_PLAN_MAX_ARMS) {
            free(code);
            return plan_error(r, err, ONC_ERR_LIMIT, p->arm_column.line,
                              "column '%s' has %zu different values; at most %d arms",
                              p->arm_column.text, r->n_arms, ONC_PLAN_MAX_ARMS);
        }
        if (r->n_arms == 0) {
            free(code);
            return plan_error(r, err, ONC_ERR_DATA, p->arm_column.line,
                              "column '%s' has no value in any row", p->arm_column.text);
        }
    }
    r->arm_label = onc_callocarray(r->n_arms, sizeof *r->arm_label);
    if (r->arm_label == NULL)
        goto nomem;
    for (k = 0; k < r->n_arms; k++)
        if ((r->arm_label[k] = onc_strdup(arm_label_of(p, r->arm_value[k]))) == NULL)
            goto nomem;
    r->reference = 0;
    if (p->arm_reference.text != NULL) {
        for (k = 0; k < r->n_arms; k++)
            if (strcmp(r->arm_value[k], p->arm_reference.text) == 0)
                break;
        if (k == r->n_arms) {
            free(code);
            return plan_error(r, err, ONC_ERR_USAGE, p->arm_reference.line,
                              "reference arm '%s' does not occur in column '%s'",
                              p->arm_reference.text, p->arm_column.text);
        }
        r->reference = k;
    }
    for (i = 0; i < n; i++) {
        code[i] = -1;
        if (onc_column_is_missing(&df->cols[c], i))
            continue;
        cell_text(&df->cols[c], i, buf, sizeof buf);
        for (k = 0; k < r->n_arms; k++)
            if (strcmp(buf, r->arm_value[k]) == 0)
                break;
        if (k == r->n_arms) {
            free(code);
            return plan_error(r, err, ONC_ERR_DATA, p->arms_line,
                              "%s, row %zu: arm '%s' of column '%s' is not listed in arms.order; "
                              "list it, or exclude it with an eligibility criterion",
                              base_name(p->patients.path), i + 1, buf, p->arm_column.text);
        }
        code[i] = (int32_t)k;
    }
    *codes = code;
    return ONC_OK;
nomem:
    free(code);
    return ONC_ERR_NOMEM;
}

static onc_status setup_patients(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    onc_criterion *crit = NULL;
    int32_t *codes = NULL;
    size_t *rows = NULL, i, k, m = 0;
    long id;
    onc_status st;
    char buf[256];

    if ((st = need_column(r, r->screened, p->patients.path, &p->id, "id", &id, err)) != ONC_OK)
        return st;
    /* Identifiers join the lesion and adverse-event files: they must be
    ** present and unique. */
    {
        char **ids = onc_callocarray(r->screened->n_rows ? r->screened->n_rows : 1, sizeof *ids);
        if (ids == NULL)
            return ONC_ERR_NOMEM;
        for (i = 0; i < r->screened->n_rows; i++) {
            if (onc_column_is_missing(&r->screened->cols[id], i)) {
                for (k = 0; k < i; k++)
                    free(ids[k]);
                free(ids);
                return plan_error(r, err, ONC_ERR_DATA, p->id.line,
                                  "%s, row %zu: the patient identifier '%s' is missing",
                                  base_name(p->patients.path), i + 1, p->id.text);
            }
            cell_text(&r->screened->cols[id], i, buf, sizeof buf);
            if ((ids[i] = onc_strdup(buf)) == NULL) {
                for (k = 0; k < i; k++)
                    free(ids[k]);
                free(ids);
                return ONC_ERR_NOMEM;
            }
        }
        {
            char **sorted = onc_mallocarray(r->screened->n_rows ? r->screened->n_rows : 1, sizeof *sorted);
            if (sorted == NULL)
                st = ONC_ERR_NOMEM;
            else {
                memcpy(sorted, ids, r->screened->n_rows * sizeof *sorted);
                qsort(sorted, r->screened->n_rows, sizeof *sorted, cmp_str);
                for (i = 1; i < r->screened->n_rows && st == ONC_OK; i++)
                    if (strcmp(sorted[i], sorted[i - 1]) == 0) {
                        size_t first = 0, second = 0;
                        for (k = 0; k < r->screened->n_rows; k++)
                            if (strcmp(ids[k], sorted[i]) == 0) {
                                if (first == 0)
                                    first = k + 1;
                                else if (second == 0)
                                    second = k + 1;
                            }
                        st = plan_error(r, err, ONC_ERR_DATA, p->id.line,
                                        "%s: patient identifier '%s' occurs twice (rows %zu and %zu)",
                                        base_name(p->patients.path), sorted[i], first, second);
                    }
                free(sorted);
            }
        }
        for (k = 0; k < r->screened->n_rows; k++)
            free(ids[k]);
        free(ids);
        if (st != ONC_OK)
            return st;
    }
    if ((st = setup_arms(r, &codes, err)) != ONC_OK)
        return st;
    crit = onc_callocarray(p->n_eligibility ? p->n_eligibility : 1, sizeof *crit);
    if (crit == NULL) {
        free(codes);
        return ONC_ERR_NOMEM;
    }
    for (k = 0; k < p->n_eligibility; k++) {
        crit[k].text = p->eligibility[k].criterion.text;
        crit[k].reason = p->eligibility[k].reason;
        crit[k].file = p->source;
        crit[k].line = p->eligibility[k].criterion.line;
    }
    st = onc_eligibility_apply(r->screened, crit, p->n_eligibility, codes, r->n_arms,
                               p->arm_column.text, &r->flow, err);
    free(crit);
    if (st != ONC_OK) {
        free(codes);
        return st;
    }
    for (k = 0; k < r->n_arms; k++)
        if (r->flow->arm_n[k] == 0) {
            size_t line = p->n_arm_order ? p->arm_order[k].line : p->arms_line, screened = 0;
            for (i = 0; i < r->screened->n_rows; i++)
                screened += codes[i] == (int32_t)k;
            free(codes);
            return plan_error(r, err, ONC_ERR_DATA, line,
                              "arm '%s' has no eligible patient (%zu screened in that arm)",
                              r->arm_value[k], screened);
        }
    rows = onc_mallocarray(r->flow->n_eligible, sizeof *rows);
    r->screen_row = onc_mallocarray(r->flow->n_eligible, sizeof *r->screen_row);
    r->arm = onc_mallocarray(r->flow->n_eligible, sizeof *r->arm);
    r->arm_n = onc_callocarray(r->n_arms + 1, sizeof *r->arm_n);
    r->patient_id = onc_callocarray(r->flow->n_eligible, sizeof *r->patient_id);
    if (rows == NULL || r->screen_row == NULL || r->arm == NULL || r->arm_n == NULL ||
        r->patient_id == NULL) {
        free(rows);
        free(codes);
        return ONC_ERR_NOMEM;
    }
    for (i = 0; i < r->screened->n_rows; i++) {
        if (!r->flow->eligible[i])
            continue;
        rows[m] = i;
        r->screen_row[m] = i + 1;
        r->arm[m] = codes[i];
        r->arm_n[codes[i]]++;
        r->arm_n[r->n_arms]++;
        cell_text(&r->screened->cols[id], i, buf, sizeof buf);
        if ((r->patient_id[m] = onc_strdup(buf)) == NULL) {
            free(rows);
            free(codes);
            return ONC_ERR_NOMEM;
        }
        m++;
    }
    free(codes);
    st = onc_frame_subset(r->screened, rows, m, &r->patients);
    free(rows);
    return st;
}

/* ====================================================================== */
/* Table 1                                                                 */
/* ====================================================================== */

static const char *variable_label(const onc_plan *p, const char *column)
{
    size_t k;

    for (k = 0; k < p->n_baseline; k++)
        if (p->baseline[k].label != NULL && strcmp(p->baseline[k].variable.text, column) == 0)
            return p->baseline[k].label;
    for (k = 0; k < p->n_subgroup_vars; k++)
        if (p->subgroup_vars[k].label != NULL && strcmp(p->subgroup_vars[k].variable.text, column) == 0)
            return p->subgroup_vars[k].label;
    if (strcmp(column, p->arm_column.text) == 0)
        return "Treatment";
    return column;
}

/* Is a numeric column described as categories in the plan (ECOG 0/1/2)? */
static int categorical_in_plan(const onc_plan *p, const char *column)
{
    size_t k;

    for (k = 0; k < p->n_baseline; k++)
        if (strcmp(p->baseline[k].variable.text, column) == 0)
            return p->baseline[k].summary == ONC_TABLE1_COUNT;
    return 0;
}

static onc_status run_table1(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    onc_table1_variable *vars;
    size_t k;
    long c;
    onc_status st;

    if (p->n_baseline == 0)
        return ONC_OK;
    vars = onc_callocarray(p->n_baseline, sizeof *vars);
    if (vars == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < p->n_baseline; k++) {
        if ((st = need_column(r, r->patients, p->patients.path, &p->baseline[k].variable,
                              "baseline", &c, err)) != ONC_OK) {
            free(vars);
            return st;
        }
        vars[k].column = p->baseline[k].variable.text;
        vars[k].label = p->baseline[k].label;
        vars[k].summary = p->baseline[k].summary;
    }
    st = onc_table1_compute(r->patients, r->arm, r->n_arms, (const char *const *)r->arm_label,
                            vars, p->n_baseline, &r->table1, err);
    if (st != ONC_OK && st != ONC_ERR_NOMEM) {
        /* Name the plan line of the variable at fault. */
        for (k = 0; k < p->n_baseline; k++) {
            onc_table1 *one = NULL;
            onc_error inner;
            if (onc_table1_compute(r->patients, r->arm, r->n_arms, (const char *const *)r->arm_label,
                                   &vars[k], 1, &one, &inner) != ONC_OK) {
                st = plan_error(r, err, st, p->baseline[k].variable.line, "baseline: %s",
                                inner.message);
                break;
            }
            onc_table1_free(one);
        }
    }
    free(vars);
    return st;
}

/* ====================================================================== */
/* Cox models through the model frame                                      */
/* ====================================================================== */

/* Append term `column` to formula text b. */
static void formula_term(const onc_report *r, report_buf *b, const char *column)
{
    const onc_frame *df = r->patients;
    long c = onc_frame_find(df, column);
    char *q = onc_expr_quote_name(column);
    int as_factor = 0;

    if (q == NULL) {
        b->failed = 1;
        return;
    }
    if (c >= 0 && (df->cols[c].type == ONC_COL_NUMBER || df->cols[c].type == ONC_COL_INTEGER))
        as_factor = strcmp(column, r->plan->arm_column.text) == 0 ||
                    categorical_in_plan(r->plan, column);
    report_buf_printf(b, as_factor ? "factor(%s)" : "%s", q);
    free(q);
}

static void cox_free(report_cox *c)
{
    size_t k;

    free(c->formula);
    free(c->variable);
    free(c->label);
    free(c->problem);
    onc_exclusions_clear(&c->excluded);
    for (k = 0; k < c->n_hr; k++) {
        free(c->hr[k].variable);
        free(c->hr[k].label);
        free(c->hr[k].level);
        free(c->hr[k].reference);
    }
    free(c->hr);
    memset(c, 0, sizeof *c);
}

/* Display text of a factor level ("Yes" for a logical's TRUE, the arm
** label for an arm). */
static const char *level_display(const onc_report *r, const char *variable, const char *level)
{
    size_t k;

    if (level == NULL)
        return NULL;
    if (strcmp(variable, r->plan->arm_column.text) == 0) {
        for (k = 0; k < r->n_arms; k++)
            if (strcmp(r->arm_value[k], level) == 0)
                return r->arm_label[k];
    }
    if (strcmp(level, "TRUE") == 0)
        return "Yes";
    if (strcmp(level, "FALSE") == 0)
        return "No";
    return level;
}

static void remap_rows(onc_exclusions *ex, const size_t *screen_row)
{
    size_t k, j;

    for (k = 0; k < ex->n_reasons; k++)
        for (j = 0; j < ex->reasons[k].n_rows; j++)
            ex->reasons[k].rows[j] = screen_row[ex->reasons[k].rows[j] - 1];
}

/*
** Fit `Surv(<ep>_time, <ep>_event) ~ terms` on the analysis set.  A model
** that cannot be fitted is recorded with its reason.  Errors are reserved
** for problems of the plan (unknown column) and memory.
*/
static onc_status fit_cox(onc_report *r, const report_endpoint *ep, const onc_plan_text *terms,
                          size_t n_terms, report_cox *out, onc_error *err)
{
    const onc_plan *p = r->plan;
    report_buf b = {0};
    onc_formula *f = NULL;
    onc_model *m = NULL;
    onc_cox_fit *fit = NULL;
    onc_model_options mo;
    onc_ref_level ref;
    onc_cox_options co;
    onc_cox_data d;
    onc_error inner;
    onc_status st = ONC_OK;
    size_t k, j;
    long c;

    memset(out, 0, sizeof *out);
    for (k = 0; k < n_terms; k++)
        if ((st = need_column(r, r->patients, p->patients.path, &terms[k], "analyses.cox", &c, err)) != ONC_OK)
            return st;
    report_buf_printf(&b, "Surv(%s_time, %s_event) ~ ", ep->plan->name, ep->plan->name);
    for (k = 0; k < n_terms; k++) {
        if (k > 0)
            report_buf_append(&b, " + ", 3);
        formula_term(r, &b, terms[k].text);
    }
    if (b.failed) {
        report_buf_free(&b);
        return ONC_ERR_NOMEM;
    }
    out->formula = b.data;
    b.data = NULL;
    if (n_terms == 1) {
        out->variable = onc_strdup(terms[0].text);
        out->label = onc_strdup(variable_label(p, terms[0].text));
        if (out->variable == NULL || out->label == NULL)
            return ONC_ERR_NOMEM;
    }
    onc_error_clear(&inner);
    if ((st = onc_formula_parse(out->formula, &f, &inner)) != ONC_OK) {
        st = plan_error(r, err, st, terms[0].line, "analyses.cox: %s", inner.message);
        goto cleanup;
    }
    memset(&mo, 0, sizeof mo);
    ref.variable = p->arm_column.text;
    ref.level = r->arm_value[r->reference];
    mo.refs = &ref;
    mo.n_refs = 1;
    st = onc_model_build(r->patients, f, &mo, &m, &out->excluded, &inner);
    remap_rows(&out->excluded, r->screen_row);
    if (st == ONC_ERR_NOMEM)
        goto cleanup;
    if (st != ONC_OK) {
        /* No rows left, a single level: a result, not a failure. */
        out->problem = onc_strdup(inner.message);
        st = out->problem ? ONC_OK : ONC_ERR_NOMEM;
        goto cleanup;
    }
    out->n = m->n;
    onc_cox_options_init(&co);
    co.ties = (onc_cox_ties)p->cox_ties;
    co.conf_level = p->conf_level;
    memset(&d, 0, sizeof d);
    d.n = m->n;
    d.p = m->p;
    d.x = m->x;
    d.stop = m->time;
    d.status = m->status;
    if (m->p == 0) {
        out->problem = onc_strdup("no covariate left in the model");
        st = out->problem ? ONC_OK : ONC_ERR_NOMEM;
        goto cleanup;
    }
    st = onc_cox_fit_model(&d, &co, &fit, &inner);
    if (st == ONC_ERR_NOMEM)
        goto cleanup;
    if (st != ONC_OK) {
        out->problem = onc_strdup(inner.message);
        st = out->problem ? ONC_OK : ONC_ERR_NOMEM;
        goto cleanup;
    }
    out->fitted = 1;
    out->events = fit->n_events;
    out->converged = fit->converged;
    out->monotone = fit->monotone;
    out->lr_stat = fit->lr_stat;
    out->lr_df = fit->df;
    out->lr_p = fit->lr_p;
    out->wald_p = fit->wald_p;
    out->concordance = fit->concordance;
    out->concordance_se = fit->concordance_se;
    out->loglik = fit->loglik[1];
    out->hr = onc_callocarray(m->p, sizeof *out->hr);
    if (out->hr == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (j = 0; j < m->p; j++) {
        report_hr *h = &out->hr[j];
        const onc_model_column *mc = &m->cols[j];
        const char *var = mc->variable;
        out->n_hr = j + 1;
        h->variable = onc_strdup(var);
        h->label = onc_strdup(variable_label(p, var));
        h->level = mc->level ? onc_strdup(level_display(r, var, mc->level)) : NULL;
        h->reference = mc->reference ? onc_strdup(level_display(r, var, mc->reference)) : NULL;
        if (h->variable == NULL || h->label == NULL || (mc->level && h->level == NULL) ||
            (mc->reference && h->reference == NULL)) {
            st = ONC_ERR_NOMEM;
            goto cleanup;
        }
        h->coef = fit->coef[j];
        h->se = fit->se[j];
        h->hr = fit->hr[j];
        h->lower = fit->lower[j];
        h->upper = fit->upper[j];
        h->p = fit->p_value[j];
        h->infinite = fit->infinite ? fit->infinite[j] : 0;
    }
cleanup:
    report_buf_free(&b);
    onc_cox_fit_free(fit);
    onc_model_free(m);
    onc_formula_free(f);
    return st;
}

/* ====================================================================== */
/* Endpoints, Kaplan-Meier, log-rank                                        */
/* ====================================================================== */

static void endpoint_free(report_endpoint *e)
{
    onc_endpoint_result_free(e->derived);
    onc_exclusions_clear(&e->excluded);
    free(e->time);
    free(e->status);
    free(e->arm);
    free(e->row);
    onc_km_fit_free(e->km);
    onc_logrank_free(e->logrank);
    cox_free(&e->arm_cox);
    free(e->desc_count);
}

static int endpoint_listed(const onc_plan_text *list, size_t n, const char *name, int all_when_empty)
{
    size_t k;

    if (n == 0)
        return all_when_empty;
    for (k = 0; k < n; k++)
        if (strcmp(list[k].text, name) == 0)
            return 1;
    return 0;
}

static onc_status run_endpoint(onc_report *r, size_t index, onc_error *err)
{
    const onc_plan *p = r->plan;
    const onc_plan_endpoint *pe = &p->endpoints[index];
    report_endpoint *e = &r->endpoints[index];
    onc_endpoint_spec spec;
    const char **cols = NULL, **labels = NULL;
    onc_plan_text origin = pe->origin.text ? pe->origin : p->time_zero;
    onc_km_options ko;
    onc_error inner;
    onc_status st = ONC_OK;
    size_t k, i, n = r->patients->n_rows;
    char what[96];

    e->plan = pe;
    e->figure = NO_FIGURE;
    e->unit = pe->unit_given ? pe->unit : p->unit;
    e->cutoff = isnan(pe->cutoff) ? p->cutoff : pe->cutoff;
    snprintf(what, sizeof what, "endpoints.%s", pe->name);
    if ((st = need_date(r, r->patients, p->patients.path, &origin, what, err)) != ONC_OK)
        return st;
    for (k = 0; k < pe->n_events; k++)
        if ((st = need_date(r, r->patients, p->patients.path, &pe->events[k].column, what, err)) != ONC_OK)
            return st;
    if (pe->censor.text && (st = need_date(r, r->patients, p->patients.path, &pe->censor, what, err)) != ONC_OK)
        return st;
    if (pe->death.text && (st = need_date(r, r->patients, p->patients.path, &pe->death, what, err)) != ONC_OK)
        return st;
    {
        char col[80];
        snprintf(col, sizeof col, "%s_time", pe->name);
        if (onc_frame_find(r->patients, col) >= 0)
            return plan_error(r, err, ONC_ERR_USAGE, pe->line,
                              "endpoint '%s' would add column '%s', which %s already has; rename the endpoint",
                              pe->name, col, base_name(p->patients.path));
    }
    cols = onc_callocarray(pe->n_events, sizeof *cols);
    labels = onc_callocarray(pe->n_events, sizeof *labels);
    if (cols == NULL || labels == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < pe->n_events; k++) {
        cols[k] = pe->events[k].column.text;
        labels[k] = pe->events[k].label ? pe->events[k].label : pe->events[k].column.text;
    }
    onc_endpoint_spec_init(&spec);
    spec.name = pe->name;
    spec.origin = origin.text;
    spec.events = cols;
    spec.event_labels = labels;
    spec.n_events = pe->n_events;
    spec.censor = pe->censor.text;
    spec.death = pe->death.text;
    spec.cutoff = e->cutoff;
    spec.unit = e->unit;
    onc_error_clear(&inner);
    st = onc_endpoint_derive(r->patients, &spec, &e->derived, &e->excluded, &inner);
    if (st != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = plan_error(r, err, st, pe->line, "endpoint '%s': %s", pe->name, inner.message);
        goto cleanup;
    }
    remap_rows(&e->excluded, r->screen_row);
    if ((st = onc_endpoint_add_columns(r->patients, e->derived, pe->name, &inner)) != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = plan_error(r, err, st, pe->line, "endpoint '%s': %s", pe->name, inner.message);
        goto cleanup;
    }
    e->n_used = e->derived->n_used;
    e->time = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *e->time);
    e->status = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *e->status);
    e->arm = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *e->arm);
    e->row = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *e->row);
    e->n_desc = e->derived->n_descriptions;
    e->desc_count = onc_callocarray((e->n_desc ? e->n_desc : 1) * r->n_arms, sizeof *e->desc_count);
    if (!e->time || !e->status || !e->arm || !e->row || !e->desc_count) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0, k = 0; i < n; i++) {
        if (e->derived->event[i] < 0)
            continue;
        e->time[k] = e->derived->time[i];
        e->status[k] = e->derived->event[i];
        e->arm[k] = r->arm[i];
        e->row[k] = i;
        if (e->derived->desc[i] >= 0)
            e->desc_count[(size_t)r->arm[i] * e->n_desc + (size_t)e->derived->desc[i]]++;
        k++;
    }
    if (e->n_used == 0)
        return plan_error(r, err, ONC_ERR_DATA, pe->line,
                          "endpoint '%s' could not be derived for any patient (%s)", pe->name,
                          e->excluded.n_reasons ? e->excluded.reasons[0].reason : "no dates");

    onc_km_options_init(&ko);
    ko.conf_type = (onc_conf_type)p->conf_type;
    ko.conf_level = p->conf_level;
    ko.times = p->km_times;
    ko.n_times = p->n_km_times;
    if ((st = onc_km_fit_groups(e->n_used, e->time, NULL, e->status, NULL, e->arm, r->n_arms,
                                &ko, &e->km, &inner)) != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                               "endpoint '%s': Kaplan-Meier estimate failed: %s", pe->name, inner.message);
        goto cleanup;
    }
    if (r->n_arms >= 2) {
        onc_logrank_options lo;
        onc_logrank_options_init(&lo);
        lo.pairwise = r->n_arms > 2;
        st = onc_logrank_test(e->n_used, e->time, e->status, NULL, e->arm, r->n_arms, NULL, 0,
                              &lo, &e->logrank, &inner);
        if (st == ONC_ERR_NOMEM)
            goto cleanup;
        st = ONC_OK;    /* a test that cannot be run is reported as absent */
        {
            onc_plan_text arm_term = p->arm_column;
            if ((st = fit_cox(r, e, &arm_term, 1, &e->arm_cox, err)) != ONC_OK)
                goto cleanup;
            e->has_arm_cox = 1;
        }
    }
cleanup:
    free(cols);
    free(labels);
    return st;
}

/* ====================================================================== */
/* Cox models of the plan                                                  */
/* ====================================================================== */

static onc_status run_cox(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    size_t n_sets = p->n_cox_endpoints ? p->n_cox_endpoints : 1, s, k;
    onc_status st;

    if (!p->cox)
        return ONC_OK;
    r->cox_sets = onc_callocarray(n_sets, sizeof *r->cox_sets);
    if (r->cox_sets == NULL)
        return ONC_ERR_NOMEM;
    for (s = 0; s < n_sets; s++) {
        report_cox_set *cs = &r->cox_sets[s];
        const char *name = p->n_cox_endpoints ? p->cox_endpoints[s].text : p->endpoints[0].name;
        for (k = 0; k < r->n_endpoints; k++)
            if (strcmp(r->endpoints[k].plan->name, name) == 0)
                break;
        cs->endpoint = k;
        r->n_cox_sets = s + 1;
        if (p->n_cox_univariable > 0) {
            cs->univariable = onc_callocarray(p->n_cox_univariable, sizeof *cs->univariable);
            if (cs->univariable == NULL)
                return ONC_ERR_NOMEM;
            for (k = 0; k < p->n_cox_univariable; k++) {
                cs->n_univariable = k + 1;
                if ((st = fit_cox(r, &r->endpoints[cs->endpoint], &p->cox_univariable[k], 1,
                                  &cs->univariable[k], err)) != ONC_OK)
                    return st;
            }
        }
        if (p->n_cox_adjusted > 0) {
            cs->has_adjusted = 1;
            if ((st = fit_cox(r, &r->endpoints[cs->endpoint], p->cox_adjusted, p->n_cox_adjusted,
                              &cs->adjusted, err)) != ONC_OK)
                return st;
        }
    }
    return ONC_OK;
}

/* ====================================================================== */
/* Subgroups                                                               */
/* ====================================================================== */

typedef struct subgroup_levels {
    size_t n_levels;
    char **labels;
    int32_t *code;              /* per analysed patient, -1 missing */
} subgroup_levels;

static void levels_free(subgroup_levels *s)
{
    size_t k;

    for (k = 0; k < s->n_levels; k++)
        free(s->labels[k]);
    free(s->labels);
    free(s->code);
    memset(s, 0, sizeof *s);
}

#define SUBGROUP_MAX_LEVELS 12

/* The levels of a subgroup variable on the analysis set. */
static onc_status subgroup_make(onc_report *r, const onc_plan_variable *v, subgroup_levels *s,
                                onc_error *err)
{
    const onc_frame *df = r->patients;
    size_t n = df->n_rows, i, k;
    long c;
    const onc_column *col;
    onc_status st = need_column(r, df, r->plan->patients.path, &v->variable,
                                "analyses.subgroups", &c, err);
    char buf[96];

    if (st != ONC_OK)
        return st;
    col = &df->cols[c];
    s->code = onc_mallocarray(n ? n : 1, sizeof *s->code);
    s->labels = onc_callocarray(SUBGROUP_MAX_LEVELS + 1, sizeof *s->labels);
    if (s->code == NULL || s->labels == NULL)
        return ONC_ERR_NOMEM;
    if (col->type == ONC_COL_DATE)
        return plan_error(r, err, ONC_ERR_USAGE, v->variable.line,
                          "analyses.subgroups: column '%s' holds dates; give a number or a factor",
                          col->name);
    if (v->n_cuts > 0) {
        if (col->type != ONC_COL_NUMBER && col->type != ONC_COL_INTEGER)
            return plan_error(r, err, ONC_ERR_USAGE, v->variable.line,
                              "analyses.subgroups: 'cuts' needs a numeric column, '%s' is a %s",
                              col->name, onc_coltype_name(col->type));
        for (k = 0; k <= v->n_cuts; k++) {
            char lo[40], hi[40];
            if (k < v->n_cuts)
                onc_format_double(v->cuts[k], hi, sizeof hi);
            if (k > 0)
                onc_format_double(v->cuts[k - 1], lo, sizeof lo);
            if (k == 0)
                snprintf(buf, sizeof buf, "<%s", hi);
            else if (k == v->n_cuts)
                snprintf(buf, sizeof buf, "\xe2\x89\xa5%s", lo);
            else
                snprintf(buf, sizeof buf, "%s to <%s", lo, hi);
            if ((s->labels[k] = onc_strdup(buf)) == NULL)
                return ONC_ERR_NOMEM;
            s->n_levels = k + 1;
        }
        for (i = 0; i < n; i++) {
            double x = col->num[i];
            s->code[i] = -1;
            if (isnan(x))
                continue;
            for (k = 0; k < v->n_cuts && x >= v->cuts[k]; k++)
                ;
            s->code[i] = (int32_t)k;
        }
        return ONC_OK;
    }
    if (col->type == ONC_COL_LOGICAL) {
        if ((s->labels[0] = onc_strdup("No")) == NULL || (s->labels[1] = onc_strdup("Yes")) == NULL)
            return ONC_ERR_NOMEM;
        s->n_levels = 2;
        for (i = 0; i < n; i++)
            s->code[i] = isnan(col->num[i]) ? -1 : (col->num[i] != 0);
        return ONC_OK;
    }
    if (col->type == ONC_COL_FACTOR) {
        size_t *map = onc_mallocarray(col->n_levels ? col->n_levels : 1, sizeof *map);
        int *seen = onc_callocarray(col->n_levels ? col->n_levels : 1, sizeof *seen);
        if (map == NULL || seen == NULL) {
            free(map);
            free(seen);
            return ONC_ERR_NOMEM;
        }
        for (i = 0; i < n; i++)
            if (col->code[i] >= 0)
                seen[col->code[i]] = 1;
        for (k = 0; k < col->n_levels; k++) {
            map[k] = (size_t)-1;
            if (!seen[k])
                continue;
            if (s->n_levels == SUBGROUP_MAX_LEVELS) {
                free(map);
                free(seen);
                return plan_error(r, err, ONC_ERR_USAGE, v->variable.line,
                                  "analyses.subgroups: '%s' has more than %d levels",
                                  col->name, SUBGROUP_MAX_LEVELS);
            }
            map[k] = s->n_levels;
            if ((s->labels[s->n_levels] = onc_strdup(col->levels[k])) == NULL) {
                free(map);
                free(seen);
                return ONC_ERR_NOMEM;
            }
            s->n_levels++;
        }
        for (i = 0; i < n; i++)
            s->code[i] = col->code[i] < 0 ? -1 : (int32_t)map[col->code[i]];
        free(map);
        free(seen);
        return ONC_OK;
    }
    /* A number without cuts: one subgroup per value (ECOG 0, 1). */
    {
        double vals[SUBGROUP_MAX_LEVELS];
        size_t m = 0, j;
        for (i = 0; i < n; i++) {
            double x = col->num[i];
            if (isnan(x))
                continue;
            for (j = 0; j < m && vals[j] != x; j++)
                ;
            if (j == m) {
                if (m == SUBGROUP_MAX_LEVELS)
                    return plan_error(r, err, ONC_ERR_USAGE, v->variable.line,
                                      "analyses.subgroups: '%s' has more than %d values; give 'cuts'",
                                      col->name, SUBGROUP_MAX_LEVELS);
                vals[m++] = x;
            }
        }
        for (j = 1; j < m; j++) {
            double x = vals[j];
            size_t q = j;
            while (q > 0 && vals[q - 1] > x) {
                vals[q] = vals[q - 1];
                q--;
            }
            vals[q] = x;
        }
        for (j = 0; j < m; j++) {
            onc_format_double(vals[j], buf, sizeof buf);
            if ((s->labels[j] = onc_strdup(buf)) == NULL)
                return ONC_ERR_NOMEM;
            s->n_levels = j + 1;
        }
        for (i = 0; i < n; i++) {
            s->code[i] = -1;
            for (j = 0; j < m; j++)
                if (col->num[i] == vals[j])
                    s->code[i] = (int32_t)j;
        }
    }
    return ONC_OK;
}

static void forest_free(report_forest *f)
{
    size_t k;

    for (k = 0; k < f->n_rows; k++) {
        free(f->rows[k].label);
        free(f->rows[k].note);
    }
    free(f->rows);
}

/*
** One forest plot: the hazard ratio of `arm` against the reference among
** the patients of the two arms for whom the endpoint could be derived,
** overall and in each subgroup, with the likelihood-ratio test of
** interaction -- the figure library's subgroup analysis
** (onc_plot_forest_subgroups), as `oncostat plot forest` runs it.
*/
static onc_status forest_one(onc_report *r, const report_endpoint *e, report_forest *f,
                             const subgroup_levels *levels, onc_error *err)
{
    const onc_plan *p = r->plan;
    size_t nv = p->n_subgroup_vars, i, v, m = 0, k;
    double *t = NULL, *st = NULL, *trt = NULL;
    int32_t *codes = NULL;
    onc_plot_subgroup *sg = NULL;
    onc_plot_subgroup_data d;
    onc_plot_forest_table *tab = NULL;
    onc_cox_options co;
    onc_error inner;
    onc_status rc = ONC_OK;

    t = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *t);
    st = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *st);
    trt = onc_mallocarray(e->n_used ? e->n_used : 1, sizeof *trt);
    codes = onc_mallocarray((e->n_used ? e->n_used : 1) * (nv ? nv : 1), sizeof *codes);
    sg = onc_callocarray(nv ? nv : 1, sizeof *sg);
    if (t == NULL || st == NULL || trt == NULL || codes == NULL || sg == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < e->n_used; i++) {
        if ((size_t)e->arm[i] != f->arm && (size_t)e->arm[i] != r->reference)
            continue;
        t[m] = e->time[i];
        st[m] = e->status[i];
        trt[m] = (size_t)e->arm[i] == f->arm;
        m++;
    }
    for (v = 0; v < nv; v++) {
        size_t q = 0;
        for (i = 0; i < e->n_used; i++)
            if ((size_t)e->arm[i] == f->arm || (size_t)e->arm[i] == r->reference)
                codes[v * m + q++] = levels[v].code[e->row[i]];
        sg[v].name = p->subgroup_vars[v].label ? p->subgroup_vars[v].label : p->subgroup_vars[v].variable.text;
        sg[v].code = codes + v * m;
        sg[v].n_levels = levels[v].n_levels;
        sg[v].levels = (const char *const *)levels[v].labels;
    }
    memset(&d, 0, sizeof d);
    d.n = m;
    d.stop = t;
    d.status = st;
    d.treatment = trt;
    d.n_subgroups = nv;
    d.subgroups = sg;
    onc_cox_options_init(&co);
    co.ties = (onc_cox_ties)p->cox_ties;
    co.conf_level = p->conf_level;
    co.concordance = 0;
    onc_error_clear(&inner);
    rc = onc_plot_forest_subgroups(&d, &co, &tab, &inner);
    if (rc != ONC_OK) {
        if (rc != ONC_ERR_NOMEM)
            rc = wrap_error(err, ONC_ERR_COMPUTE, NULL, 0, "subgroup analysis: ", &inner);
        goto cleanup;
    }
    f->rows = onc_callocarray(tab->n_rows ? tab->n_rows : 1, sizeof *f->rows);
    if (f->rows == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < tab->n_rows; k++) {
        const onc_plot_forest_row *src = &tab->rows[k];
        report_forest_row *row = &f->rows[k];
        f->n_rows = k + 1;
        row->label = onc_strdup(src->label);
        if (row->label == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        row->is_header = src->is_header;
        row->is_overall = src->is_overall;
        row->n = src->n;
        row->events = src->events;
        row->hr = src->hr;
        row->lower = src->lower;
        row->upper = src->upper;
        row->p_interaction = src->p_interaction;
        row->interaction_df = tab->lr_df ? tab->lr_df[k] : NAN;
        if (!src->is_header && isnan(src->hr)) {
            row->note = onc_strdup(src->events == 0 ? "no events" : "not estimable");
            if (row->note == NULL) {
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
        }
    }
cleanup:
    onc_plot_forest_table_free(tab);
    free(t);
    free(st);
    free(trt);
    free(codes);
    free(sg);
    return rc;
}

static onc_status run_subgroups(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    subgroup_levels *levels = NULL;
    size_t k, v, a, n_cmp = 0;
    size_t cmp[ONC_PLAN_MAX_ARMS];
    onc_status st = ONC_OK;

    if (!p->subgroups)
        return ONC_OK;
    {
        const char *name = p->subgroup_endpoint.text ? p->subgroup_endpoint.text
                         : p->n_cox_endpoints ? p->cox_endpoints[0].text : p->endpoints[0].name;
        for (k = 0; k < r->n_endpoints; k++)
            if (strcmp(r->endpoints[k].plan->name, name) == 0)
                break;
        r->forest_endpoint = k;
    }
    if (p->n_subgroup_compare > 0) {
        for (k = 0; k < p->n_subgroup_compare; k++) {
            for (a = 0; a < r->n_arms; a++)
                if (strcmp(r->arm_value[a], p->subgroup_compare[k].text) == 0)
                    break;
            if (a == r->n_arms || a == r->reference)
                return plan_error(r, err, ONC_ERR_USAGE, p->subgroup_compare[k].line,
                                  "analyses.subgroups.compare: '%s' is %s",
                                  p->subgroup_compare[k].text,
                                  a == r->reference ? "the reference arm" : "not an arm");
            cmp[n_cmp++] = a;
        }
    } else {
        for (a = 0; a < r->n_arms; a++)
            if (a != r->reference)
                cmp[n_cmp++] = a;
    }
    if (n_cmp == 0)
        return ONC_OK;
    levels = onc_callocarray(p->n_subgroup_vars, sizeof *levels);
    if (levels == NULL)
        return ONC_ERR_NOMEM;
    for (v = 0; v < p->n_subgroup_vars; v++)
        if ((st = subgroup_make(r, &p->subgroup_vars[v], &levels[v], err)) != ONC_OK)
            goto cleanup;
    r->forests = onc_callocarray(n_cmp, sizeof *r->forests);
    if (r->forests == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < n_cmp; k++) {
        report_forest *f = &r->forests[k];
        r->n_forests = k + 1;
        f->arm = cmp[k];
        f->endpoint = r->forest_endpoint;
        f->figure = NO_FIGURE;
        if ((st = forest_one(r, &r->endpoints[r->forest_endpoint], f, levels, err)) != ONC_OK)
            goto cleanup;
    }
cleanup:
    for (v = 0; v < p->n_subgroup_vars && levels; v++)
        levels_free(&levels[v]);
    free(levels);
    return st;
}

/* ====================================================================== */
/* Tumour response                                                         */
/* ====================================================================== */

/* Index of the analysed patients by identifier, for joining the lesion
** and adverse-event files: identifiers sorted with their positions. */
typedef struct id_entry {
    const char *id;
    size_t pos;
} id_entry;

typedef struct id_index {
    size_t n;
    id_entry *e;
} id_index;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const id_entry *)a)->id, ((const id_entry *)b)->id);
}

static onc_status index_build(const onc_report *r, id_index *ix)
{
    size_t i;

    ix->n = r->patients->n_rows;
    ix->e = onc_mallocarray(ix->n ? ix->n : 1, sizeof *ix->e);
    if (ix->e == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < ix->n; i++) {
        ix->e[i].id = r->patient_id[i];
        ix->e[i].pos = i;
    }
    qsort(ix->e, ix->n, sizeof *ix->e, cmp_entry);
    return ONC_OK;
}

static long index_find(const id_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ix->e[mid].id, id);
        if (c == 0)
            return (long)ix->e[mid].pos;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void index_free(id_index *ix)
{
    free(ix->e);
    ix->e = NULL;
}

/* Is `id` a row of the screened patient file? */
static int screened_has(const onc_report *r, long id_col, const char *id)
{
    size_t i;
    char buf[256];

    for (i = 0; i < r->screened->n_rows; i++) {
        cell_text(&r->screened->cols[id_col], i, buf, sizeof buf);
        if (strcmp(buf, id) == 0)
            return 1;
    }
    return 0;
}

static int text_equal_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int lesion_kind(const char *s, onc_lesion_kind *out)
{
    static const char *const target[] = {"target", "t", "tl"};
    static const char *const nontarget[] = {"non-target", "nontarget", "non_target", "non target",
                                            "nt", "ntl"};
    static const char *const fresh[] = {"new", "new lesion", "nl"};
    size_t k;

    for (k = 0; k < 3; k++)
        if (text_equal_ci(s, target[k])) {
            *out = ONC_LESION_TARGET;
            return 0;
        }
    for (k = 0; k < 6; k++)
        if (text_equal_ci(s, nontarget[k])) {
            *out = ONC_LESION_NONTARGET;
            return 0;
        }
    for (k = 0; k < 3; k++)
        if (text_equal_ci(s, fresh[k])) {
            *out = ONC_LESION_NEW;
            return 0;
        }
    return -1;
}

static int nt_status(const char *s, onc_nontarget_status *out)
{
    static const struct { const char *name; onc_nontarget_status v; } names[] = {
        {"present", ONC_NT_PRESENT}, {"non-cr/non-pd", ONC_NT_PRESENT}, {"stable", ONC_NT_PRESENT},
        {"absent", ONC_NT_ABSENT}, {"cr", ONC_NT_ABSENT}, {"disappeared", ONC_NT_ABSENT},
        {"unequivocal progression", ONC_NT_UNEQUIVOCAL_PD}, {"unequivocal pd", ONC_NT_UNEQUIVOCAL_PD},
        {"progression", ONC_NT_UNEQUIVOCAL_PD}, {"pd", ONC_NT_UNEQUIVOCAL_PD},
        {"not assessed", ONC_NT_NOT_ASSESSED}, {"ne", ONC_NT_NOT_ASSESSED},
        {"not evaluable", ONC_NT_NOT_ASSESSED},
    };
    size_t k;

    if (s[0] == '\0') {
        *out = ONC_NT_NOT_ASSESSED;
        return 0;
    }
    for (k = 0; k < sizeof names / sizeof names[0]; k++)
        if (text_equal_ci(s, names[k].name)) {
            *out = names[k].v;
            return 0;
        }
    return -1;
}

/* A lesion column: required ones must exist; optional ones given with their
** default name may be absent (-1). */
static onc_status lesion_column(const onc_report *r, const onc_plan_file *f, int field,
                                int required, long *out, onc_error *err)
{
    const onc_plan_text *t = &f->columns[field];
    char what[64];

    *out = onc_frame_find(r->lesions, t->text);
    if (*out >= 0 || (!required && t->line == 0))
        return ONC_OK;
    snprintf(what, sizeof what, "data.lesions.columns.%s", onc_plan_lesion_field_key((onc_plan_lesion_field)field));
    return need_column(r, r->lesions, f->path, t, what, out, err);
}

static void response_free(report_response *rr)
{
    onc_response_free(rr->result);
    free(rr->best);
    free(rr->best_change);
    free(rr->count);
    free(rr->orr);
    free(rr->dcr);
    free(rr->orr_or);
}

/* bor_<criteria> and best_change_<criteria> in the analysis set, for the
** derived data file. */
static onc_status add_response_columns(onc_report *r, const report_response *rr)
{
    static const char *const levels[ONC_RESPONSE_N] = {"CR", "PR", "SD", "PD", "NE"};
    const char *stem = rr->criteria == ONC_PLAN_CHOI ? "choi"
                     : rr->criteria == ONC_PLAN_MRECIST ? "mrecist" : "recist";
    size_t n = r->patients->n_rows, i;
    int32_t *codes = onc_mallocarray(n ? n : 1, sizeof *codes);
    char name[64];
    onc_status st;

    if (codes == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < n; i++)
        codes[i] = (int32_t)rr->best[i];
    snprintf(name, sizeof name, "bor_%s", stem);
    st = onc_frame_add_factor(r->patients, name, codes, levels, NULL, ONC_RESPONSE_N, NULL);
    free(codes);
    if (st == ONC_OK) {
        snprintf(name, sizeof name, "best_change_%s", stem);
        st = onc_frame_add_numeric(r->patients, name, ONC_COL_NUMBER, rr->best_change, NULL);
    }
    /* A name already taken means the patient file has such a column: the
    ** derived file then keeps the original. */
    return st == ONC_ERR_USAGE ? ONC_OK : st;
}

static onc_status run_response(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    const onc_plan_file *f = &p->lesions;
    onc_lesion_record *rec = NULL;
    char **texts = NULL;        /* strings the records point to */
    size_t n_texts = 0, i, k, n_rec = 0, a;
    long col[ONC_LESION_COL_N], id_col, t0_col;
    id_index ix = {0, NULL};
    onc_status st;
    char buf[256];
    const onc_frame *L;

    if (!p->response)
        return ONC_OK;
    if ((st = read_file(r, f, &r->lesions, err)) != ONC_OK)
        return st;
    L = r->lesions;
    for (k = 0; k < ONC_LESION_COL_N; k++) {
        int required = k == ONC_LESION_COL_PATIENT || k == ONC_LESION_COL_DATE ||
                       k == ONC_LESION_COL_LESION || k == ONC_LESION_COL_TYPE ||
                       k == ONC_LESION_COL_DIAMETER;
        if ((st = lesion_column(r, f, (int)k, required, &col[k], err)) != ONC_OK)
            return st;
    }
    {
        long c = col[ONC_LESION_COL_DATE];
        if (L->cols[c].type != ONC_COL_DATE && L->cols[c].type != ONC_COL_NUMBER &&
            L->cols[c].type != ONC_COL_INTEGER)
            return plan_error(r, err, ONC_ERR_USAGE, f->columns[ONC_LESION_COL_DATE].line ? f->columns[ONC_LESION_COL_DATE].line : f->line,
                              "data.lesions.columns.date: column '%s' must hold dates or days",
                              L->cols[c].name);
        for (k = ONC_LESION_COL_DIAMETER; k < ONC_LESION_COL_N; k++) {
            if (k == ONC_LESION_COL_NODE || k == ONC_LESION_COL_NT_STATUS || col[k] < 0)
                continue;
            if (L->cols[col[k]].type != ONC_COL_NUMBER && L->cols[col[k]].type != ONC_COL_INTEGER &&
                L->cols[col[k]].type != ONC_COL_LOGICAL)   /* an empty column reads as logical */
                return plan_error(r, err, ONC_ERR_USAGE, f->columns[k].line ? f->columns[k].line : f->line,
                                  "data.lesions.columns.%s: column '%s' must hold numbers (mm or HU), "
                                  "but it was read as %s", onc_plan_lesion_field_key((onc_plan_lesion_field)k),
                                  L->cols[col[k]].name, onc_coltype_name(L->cols[col[k]].type));
        }
    }
    id_col = onc_frame_find(r->screened, p->id.text);
    t0_col = p->time_zero.text ? onc_frame_find(r->patients, p->time_zero.text) : -1;
    if (t0_col >= 0 && r->patients->cols[t0_col].type != ONC_COL_DATE)
        t0_col = -1;
    r->lesion_used = calloc(L->n_rows ? L->n_rows : 1, 1);
    rec = onc_callocarray(L->n_rows ? L->n_rows : 1, sizeof *rec);
    texts = onc_callocarray((L->n_rows ? L->n_rows : 1) * 5, sizeof *texts);
    if (r->lesion_used == NULL || rec == NULL || texts == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = index_build(r, &ix)) != ONC_OK)
        goto cleanup;
    for (i = 0; i < L->n_rows; i++) {
        onc_lesion_record *x = &rec[n_rec];
        const onc_column *c;
        long who;
        if (onc_column_is_missing(&L->cols[col[ONC_LESION_COL_PATIENT]], i)) {
            st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0,
                               L->cols[col[ONC_LESION_COL_PATIENT]].name, "the patient identifier is missing");
            goto cleanup;
        }
        cell_text(&L->cols[col[ONC_LESION_COL_PATIENT]], i, buf, sizeof buf);
        who = index_find(&ix, buf);
        if (who < 0) {
            if (screened_has(r, id_col, buf))
                continue;       /* a patient the eligibility criteria excluded */
            st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0,
                               L->cols[col[ONC_LESION_COL_PATIENT]].name,
                               "patient '%s' is not in %s", buf, base_name(p->patients.path));
            goto cleanup;
        }
        r->lesion_used[i] = 1;
        x->patient = r->patient_id[who];
        x->source_row = i + 1;
        /* Days from the patient's time zero, so that messages read "day 84". */
        x->day = L->cols[col[ONC_LESION_COL_DATE]].num[i];
        if (t0_col >= 0 && L->cols[col[ONC_LESION_COL_DATE]].type == ONC_COL_DATE &&
            !isnan(r->patients->cols[t0_col].num[who]))
            x->day -= r->patients->cols[t0_col].num[who];
        c = &L->cols[col[ONC_LESION_COL_LESION]];
        cell_text(c, i, buf, sizeof buf);
        if ((texts[n_texts] = onc_strdup(buf)) == NULL) {
            st = ONC_ERR_NOMEM;
            goto cleanup;
        }
        x->lesion = buf[0] ? texts[n_texts] : NULL;
        n_texts++;
        if (col[ONC_LESION_COL_ORGAN] >= 0 && !onc_column_is_missing(&L->cols[col[ONC_LESION_COL_ORGAN]], i)) {
            cell_text(&L->cols[col[ONC_LESION_COL_ORGAN]], i, buf, sizeof buf);
            if ((texts[n_texts] = onc_strdup(buf)) == NULL) {
                st = ONC_ERR_NOMEM;
                goto cleanup;
            }
            x->organ = texts[n_texts++];
        }
        c = &L->cols[col[ONC_LESION_COL_TYPE]];
        cell_text(c, i, buf, sizeof buf);
        if (lesion_kind(buf, &x->kind) != 0) {
            st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0, c->name,
                               "unknown lesion type '%s' (expected target, non-target or new)", buf);
            goto cleanup;
        }
        x->is_node = col[ONC_LESION_COL_NODE] >= 0 && !onc_column_is_missing(&L->cols[col[ONC_LESION_COL_NODE]], i)
                     && L->cols[col[ONC_LESION_COL_NODE]].type != ONC_COL_FACTOR
                     && L->cols[col[ONC_LESION_COL_NODE]].num[i] != 0;
        x->diameter = L->cols[col[ONC_LESION_COL_DIAMETER]].num[i];
        x->short_axis = col[ONC_LESION_COL_SHORT_AXIS] >= 0 ? L->cols[col[ONC_LESION_COL_SHORT_AXIS]].num[i] : NAN;
        x->viable_diameter = col[ONC_LESION_COL_VIABLE] >= 0 ? L->cols[col[ONC_LESION_COL_VIABLE]].num[i] : NAN;
        x->attenuation = col[ONC_LESION_COL_HU] >= 0 ? L->cols[col[ONC_LESION_COL_HU]].num[i] : NAN;
        x->nt_status = ONC_NT_NOT_ASSESSED;
        if (col[ONC_LESION_COL_NT_STATUS] >= 0) {
            c = &L->cols[col[ONC_LESION_COL_NT_STATUS]];
            cell_text(c, i, buf, sizeof buf);
            if (nt_status(buf, &x->nt_status) != 0) {
                st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0, c->name,
                                   "unknown non-target status '%s' (expected present, absent, "
                                   "unequivocal progression or not assessed)", buf);
                goto cleanup;
            }
        }
        n_rec++;
    }
    r->n_lesion_records = n_rec;
    r->responses = onc_callocarray(p->n_criteria, sizeof *r->responses);
    if (r->responses == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < p->n_criteria; k++) {
        report_response *rr = &r->responses[k];
        onc_response_options ro;
        onc_error inner;
        size_t n_pat = r->patients->n_rows, *resp_n, *events_orr, *events_dcr, cnt[2 * ONC_PLAN_MAX_ARMS];
        onc_fisher_result fr;

        r->n_responses = k + 1;
        rr->criteria = p->criteria[k];
        rr->figure = NO_FIGURE;
        onc_response_options_init(&ro);
        ro.criteria = p->criteria[k] == ONC_PLAN_CHOI ? ONC_CRITERIA_CHOI
                    : p->criteria[k] == ONC_PLAN_MRECIST ? ONC_CRITERIA_MRECIST : ONC_CRITERIA_RECIST11;
        ro.confirm_days = p->confirm_days;
        ro.min_sd_days = p->min_sd_days;
        ro.organ = p->response_organ.text;
        onc_error_clear(&inner);
        st = onc_response_evaluate(rec, n_rec, &ro, &rr->result, &inner);
        if (st != ONC_OK) {
            if (st != ONC_ERR_NOMEM) {
                char prefix[300];
                snprintf(prefix, sizeof prefix, "%s: ", base_name(f->path));
                st = wrap_error(err, st, NULL, 0, prefix, &inner);
            }
            goto cleanup;
        }
        rr->best = onc_mallocarray(n_pat ? n_pat : 1, sizeof *rr->best);
        rr->best_change = onc_mallocarray(n_pat ? n_pat : 1, sizeof *rr->best_change);
        rr->count = onc_callocarray(r->n_arms * ONC_RESPONSE_N, sizeof *rr->count);
        rr->orr = onc_callocarray(r->n_arms + 1, sizeof *rr->orr);
        rr->dcr = onc_callocarray(r->n_arms + 1, sizeof *rr->dcr);
        rr->orr_or = onc_callocarray(r->n_arms, sizeof *rr->orr_or);
        if (!rr->best || !rr->best_change || !rr->count || !rr->orr || !rr->dcr || !rr->orr_or) {
            st = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (i = 0; i < n_pat; i++) {
            rr->best[i] = ONC_RESP_NE;
            rr->best_change[i] = NAN;
        }
        for (i = 0; i < rr->result->n_patients; i++) {
            const onc_response_patient *rp = &rr->result->patients[i];
            long who = index_find(&ix, rp->patient);
            if (who < 0)
                continue;
            rr->best[who] = (int)rp->best;
            rr->best_change[who] = rp->best_change_pct;
            if (rp->n_issues > 0)
                rr->n_issues++;
        }
        for (i = 0; i < n_pat; i++)
            rr->count[(size_t)r->arm[i] * ONC_RESPONSE_N + (size_t)rr->best[i]]++;
        if ((st = add_response_columns(r, rr)) != ONC_OK)
            goto cleanup;
        resp_n = r->arm_n;
        events_orr = cnt;
        events_dcr = cnt + ONC_PLAN_MAX_ARMS;
        for (a = 0; a <= r->n_arms; a++) {
            size_t orr = 0, dcr = 0, g;
            for (g = 0; g < r->n_arms; g++) {
                if (a < r->n_arms && g != a)
                    continue;
                orr += rr->count[g * ONC_RESPONSE_N + ONC_RESP_CR] + rr->count[g * ONC_RESPONSE_N + ONC_RESP_PR];
                dcr += rr->count[g * ONC_RESPONSE_N + ONC_RESP_CR] + rr->count[g * ONC_RESPONSE_N + ONC_RESP_PR] +
                       rr->count[g * ONC_RESPONSE_N + ONC_RESP_SD];
            }
            if (a < r->n_arms) {
                events_orr[a] = orr;
                events_dcr[a] = dcr;
            }
            if ((st = onc_rates_proportion(orr, resp_n[a], p->conf_level, ONC_CI_CLOPPER_PEARSON,
                                           &rr->orr[a], &inner)) != ONC_OK ||
                (st = onc_rates_proportion(dcr, resp_n[a], p->conf_level, ONC_CI_CLOPPER_PEARSON,
                                           &rr->dcr[a], &inner)) != ONC_OK) {
                st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL, "response rates: %s", inner.message);
                goto cleanup;
            }
        }
        rr->orr_p = rr->dcr_p = NAN;
        if (r->n_arms >= 2) {
            size_t *tab = onc_mallocarray(2 * r->n_arms, sizeof *tab);
            if (tab == NULL) {
                st = ONC_ERR_NOMEM;
                goto cleanup;
            }
            /* Rows: responders, non-responders; columns: arms (R
            ** fisher.test(table(response, arm))). */
            for (a = 0; a < r->n_arms; a++) {
                tab[a] = events_orr[a];
                tab[r->n_arms + a] = resp_n[a] - events_orr[a];
            }
            if (onc_contingency_fisher(tab, 2, r->n_arms, NULL, &fr, &inner) == ONC_OK)
                rr->orr_p = fr.p_value;
            for (a = 0; a < r->n_arms; a++) {
                tab[a] = events_dcr[a];
                tab[r->n_arms + a] = resp_n[a] - events_dcr[a];
            }
            if (onc_contingency_fisher(tab, 2, r->n_arms, NULL, &fr, &inner) == ONC_OK)
                rr->dcr_p = fr.p_value;
            free(tab);
            for (a = 0; a < r->n_arms; a++) {
                size_t ref = r->reference;
                if (a == ref) {
                    rr->orr_or[a].sample = rr->orr_or[a].exact_lower = rr->orr_or[a].exact_upper = NAN;
                    rr->orr_or[a].conditional_mle = rr->orr_or[a].p_value = NAN;
                    rr->orr_or[a].woolf_lower = rr->orr_or[a].woolf_upper = NAN;
                    continue;
                }
                if (onc_rates_odds_ratio(events_orr[a], resp_n[a] - events_orr[a], events_orr[ref],
                                         resp_n[ref] - events_orr[ref], p->conf_level,
                                         &rr->orr_or[a], &inner) != ONC_OK) {
                    st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL, "odds ratio: %s", inner.message);
                    goto cleanup;
                }
            }
        }
    }
cleanup:
    index_free(&ix);
    for (i = 0; i < n_texts; i++)
        free(texts[i]);
    free(texts);
    free(rec);
    return st;
}

/* ====================================================================== */
/* Adverse events                                                          */
/* ====================================================================== */

static onc_status run_safety(onc_report *r, onc_error *err)
{
    const onc_plan *p = r->plan;
    const onc_plan_file *f = &p->adverse_events;
    onc_ae_event *ev = NULL;
    onc_ae_patient *pts = NULL;
    char **texts = NULL;
    size_t n_texts = 0, i, k, n_ev = 0, m = 0;
    long col[ONC_AE_COL_N], id_col;
    id_index ix = {0, NULL};
    onc_status st;
    onc_error inner;
    char buf[512];
    const onc_frame *A;

    if (!p->safety)
        return ONC_OK;
    if ((st = read_file(r, f, &r->adverse, err)) != ONC_OK)
        return st;
    A = r->adverse;
    for (k = 0; k < ONC_AE_COL_N; k++) {
        const onc_plan_text *t = &f->columns[k];
        int required = k == ONC_AE_COL_PATIENT || k == ONC_AE_COL_TERM || k == ONC_AE_COL_GRADE;
        char what[64];
        col[k] = onc_frame_find(A, t->text);
        if (col[k] >= 0 || (!required && t->line == 0))
            continue;
        snprintf(what, sizeof what, "data.adverse_events.columns.%s", onc_plan_ae_field_key((onc_plan_ae_field)k));
        if ((st = need_column(r, A, f->path, t, what, &col[k], err)) != ONC_OK)
            return st;
    }
    if (A->cols[col[ONC_AE_COL_GRADE]].type != ONC_COL_INTEGER &&
        A->cols[col[ONC_AE_COL_GRADE]].type != ONC_COL_NUMBER)
        return plan_error(r, err, ONC_ERR_USAGE,
                          f->columns[ONC_AE_COL_GRADE].line ? f->columns[ONC_AE_COL_GRADE].line : f->line,
                          "data.adverse_events.columns.grade: column '%s' must hold CTCAE grades 1-5",
                          A->cols[col[ONC_AE_COL_GRADE]].name);
    id_col = onc_frame_find(r->screened, p->id.text);
    r->ae_used = calloc(A->n_rows ? A->n_rows : 1, 1);
    ev = onc_callocarray(A->n_rows ? A->n_rows : 1, sizeof *ev);
    texts = onc_callocarray((A->n_rows ? A->n_rows : 1) * 2, sizeof *texts);
    pts = onc_callocarray(r->patients->n_rows, sizeof *pts);
    if (r->ae_used == NULL || ev == NULL || texts == NULL || pts == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = index_build(r, &ix)) != ONC_OK)
        goto cleanup;
    for (i = 0; i < A->n_rows; i++) {
        onc_ae_event *x = &ev[n_ev];
        long who;
        double g;
        cell_text(&A->cols[col[ONC_AE_COL_PATIENT]], i, buf, sizeof buf);
        if (buf[0] == '\0') {
            st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0,
                               A->cols[col[ONC_AE_COL_PATIENT]].name, "the patient identifier is missing");
            goto cleanup;
        }
        who = index_find(&ix, buf);
        if (who < 0) {
            if (screened_has(r, id_col, buf))
                continue;
            st = onc_error_set(err, ONC_ERR_DATA, base_name(f->path), i + 1, 0,
                               A->cols[col[ONC_AE_COL_PATIENT]].name,
                               "patient '%s' is not in %s", buf, base_name(p->patients.path));
            goto cleanup;
        }
        r->ae_used[i] = 1;
        x->patient = r->patient_id[who];
        x->source_row = i + 1;
        cell_text(&A->cols[col[ONC_AE_COL_TERM]], i, buf, sizeof buf);
        if ((texts[n_texts] = onc_strdup(buf)) == NULL) {
            st = ONC_ERR_NOMEM;
            goto cleanup;
        }
        x->term = texts[n_texts++];
        if (col[ONC_AE_COL_SOC] >= 0) {
            cell_text(&A->cols[col[ONC_AE_COL_SOC]], i, buf, sizeof buf);
            if ((texts[n_texts] = onc_strdup(buf)) == NULL) {
                st = ONC_ERR_NOMEM;
                goto cleanup;
            }
            x->soc = texts[n_texts++];
        }
        g = A->cols[col[ONC_AE_COL_GRADE]].num[i];
        x->grade = isnan(g) || g != floor(g) || g < -1000 || g > 1000 ? -1 : (int)g;
        x->day = col[ONC_AE_COL_DATE] >= 0 && A->cols[col[ONC_AE_COL_DATE]].type == ONC_COL_DATE
                 ? A->cols[col[ONC_AE_COL_DATE]].num[i] : NAN;
        n_ev++;
    }
    r->ae_n_events = n_ev;
    /* Patients listed arm by arm, so that the table's arms follow the plan. */
    for (k = 0; k < r->n_arms; k++)
        for (i = 0; i < r->patients->n_rows; i++)
            if ((size_t)r->arm[i] == k) {
                pts[m].patient = r->patient_id[i];
                pts[m].arm = r->arm_label[k];
                pts[m].source_row = r->screen_row[i];
                m++;
            }
    onc_error_clear(&inner);
    st = onc_ae_tabulate(ev, n_ev, pts, m, &r->ae, &inner);
    if (st != ONC_OK && st != ONC_ERR_NOMEM) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s: ", base_name(f->path));
        st = wrap_error(err, st, NULL, 0, prefix, &inner);
    }
cleanup:
    index_free(&ix);
    for (i = 0; i < n_texts; i++)
        free(texts[i]);
    free(texts);
    free(ev);
    free(pts);
    return st;
}

/* ====================================================================== */
/* Figures                                                                 */
/* ====================================================================== */

static onc_status figure_add(onc_report *r, const char *name, const char *title,
                             const char *caption, int kind, onc_plot_list *list, size_t *index)
{
    report_figure *grown = onc_reallocarray(r->figures, r->n_figures + 1, sizeof *grown);
    report_figure *fig;

    if (grown == NULL) {
        onc_plot_list_free(list);
        return ONC_ERR_NOMEM;
    }
    r->figures = grown;
    fig = &r->figures[r->n_figures];
    memset(fig, 0, sizeof *fig);
    fig->name = onc_strdup(name);
    fig->title = onc_strdup(title);
    fig->caption = onc_strdup(caption);
    fig->kind = kind;
    fig->list = list;
    *index = r->n_figures;
    r->n_figures++;
    if (fig->name == NULL || fig->title == NULL || fig->caption == NULL)
        return ONC_ERR_NOMEM;
    return ONC_OK;
}

static onc_status figure_km(onc_report *r, report_endpoint *e, onc_error *err)
{
    onc_plot_km_curves *kc = NULL;
    onc_plot_km_options opt;
    onc_plot_list *list = NULL;
    onc_error inner;
    char annotation[256] = "", name[96], title[256], caption[1024], ylabel[128];
    size_t g;
    onc_status st = ONC_OK;

    for (g = 0; g < r->n_arms; g++)
        if (e->km->curves[g].n == 0)
            return ONC_OK;      /* an arm without data: no figure can show it */
    onc_error_clear(&inner);
    st = onc_plot_km_curves_from_fit(e->km, e->n_used, e->time, e->status, e->arm,
                                     (const char *const *)r->arm_label, 1.0, &kc, &inner);
    if (st != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = wrap_error(err, ONC_ERR_COMPUTE, NULL, 0, "Kaplan-Meier figure: ", &inner);
        return st;
    }
    onc_plot_km_options_init(&opt);
    opt.time_unit = onc_time_unit_name(e->unit);
    snprintf(ylabel, sizeof ylabel, "%s probability", e->plan->label ? e->plan->label : e->plan->name);
    opt.ylabel = ylabel;
    opt.show_censor = 1;
    opt.risk_table = 1;
    if (e->logrank != NULL && !e->logrank->singular && isfinite(e->logrank->p_value) &&
        onc_plot_km_annotation("Log-rank", e->logrank->p_value, NULL, NULL, annotation,
                               sizeof annotation, &inner) == ONC_OK)
        opt.annotation = annotation;
    st = onc_plot_km_build(kc->curves, kc->n_curves, &opt, &list, err);
    if (st != ONC_OK) {
        if (st != ONC_ERR_NOMEM) {
            char prefix[128];
            snprintf(prefix, sizeof prefix, "figure of endpoint '%s': ", e->plan->name);
            st = wrap_error(err, ONC_ERR_COMPUTE, NULL, 0, prefix, err);
        }
        goto cleanup;
    }
    snprintf(name, sizeof name, "km_%s", e->plan->name);
    {
        char lab[200];
        const char *from = e->plan->origin.text ? e->plan->origin.text
                         : r->plan->time_zero_label ? r->plan->time_zero_label : r->plan->time_zero.text;
        snprintf(lab, sizeof lab, "%s", e->plan->label ? e->plan->label : e->plan->name);
        if (lab[0] >= 'A' && lab[0] <= 'Z' && !(lab[1] >= 'A' && lab[1] <= 'Z'))
            lab[0] = (char)(lab[0] - 'A' + 'a');
        snprintf(title, sizeof title, "Kaplan\xe2\x80\x93Meier estimates of %s by treatment", lab);
        snprintf(caption, sizeof caption,
                 "Time from %s, in %s. Tick marks show censored observations; the table gives the "
                 "numbers at risk.%s%s%s", from, onc_time_unit_name(e->unit), annotation[0] ? " " : "",
                 annotation, annotation[0] ? " (unstratified)." : "");
    }
    st = figure_add(r, name, title, caption, 0, list, &e->figure);
cleanup:
    onc_plot_km_curves_free(kc);
    return st;
}

static onc_status figure_forest(onc_report *r, report_forest *f, onc_error *err)
{
    onc_plot_forest_row *rows = onc_callocarray(f->n_rows, sizeof *rows);
    onc_plot_forest_options opt;
    onc_plot_list *list = NULL;
    const report_endpoint *e = &r->endpoints[f->endpoint];
    char name[96], title[512], caption[1024], left[256], right[256];
    size_t k;
    onc_status st;

    if (rows == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < f->n_rows; k++) {
        const report_forest_row *fr = &f->rows[k];
        rows[k].label = fr->label;
        rows[k].n = fr->n;
        rows[k].events = fr->events;
        rows[k].hr = fr->hr;
        rows[k].lower = fr->lower;
        rows[k].upper = fr->upper;
        rows[k].p_interaction = fr->p_interaction;
        rows[k].is_header = fr->is_header;
        rows[k].is_overall = fr->is_overall;
    }
    onc_plot_forest_options_init(&opt);
    snprintf(left, sizeof left, "Favours %s", r->arm_label[f->arm]);
    snprintf(right, sizeof right, "Favours %s", r->arm_label[r->reference]);
    opt.left_label = left;
    opt.right_label = right;
    st = onc_plot_forest_build(rows, f->n_rows, &opt, &list, err);
    free(rows);
    if (st != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = wrap_error(err, ONC_ERR_COMPUTE, NULL, 0, "forest plot: ", err);
        return st;
    }
    snprintf(name, sizeof name, "forest_%s_%zu", e->plan->name, f->arm + 1);
    {
        char lab[200];
        snprintf(lab, sizeof lab, "%s", e->plan->label ? e->plan->label : e->plan->name);
        if (lab[0] >= 'A' && lab[0] <= 'Z' && !(lab[1] >= 'A' && lab[1] <= 'Z'))
            lab[0] = (char)(lab[0] - 'A' + 'a');
        snprintf(title, sizeof title, "Hazard ratios for %s in subgroups: %.100s versus %.100s", lab,
                 r->arm_label[f->arm], r->arm_label[r->reference]);
    }
    snprintf(caption, sizeof caption,
             "Cox models within each subgroup (patients of the two arms); squares are sized by "
             "the number of events. P for interaction: likelihood-ratio test of the "
             "treatment-by-subgroup interaction.");
    return figure_add(r, name, title, caption, 1, list, &f->figure);
}

static onc_status figure_waterfall(onc_report *r, report_response *rr, onc_error *err)
{
    static const char *const cats[] = {"CR", "PR", "SD", "PD", "NE"};
    onc_plot_waterfall_bar *bars = onc_callocarray(r->patients->n_rows ? r->patients->n_rows : 1, sizeof *bars);
    onc_plot_waterfall_options opt;
    onc_plot_list *list = NULL;
    size_t i, m = 0;
    char name[64], title[256], caption[1024];
    onc_status st;

    if (bars == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < r->patients->n_rows; i++) {
        if (!isfinite(rr->best_change[i]))
            continue;
        bars[m].id = r->patient_id[i];
        bars[m].change = rr->best_change[i];
        bars[m].category = cats[rr->best[i]];
        m++;
    }
    if (m == 0) {
        free(bars);
        return ONC_OK;
    }
    memset(&opt, 0, sizeof opt);
    opt.categories = cats;
    opt.n_categories = 5;
    opt.criteria = rr->criteria == ONC_PLAN_CHOI ? ONC_PLOT_CRITERIA_CHOI : ONC_PLOT_CRITERIA_RECIST;
    st = onc_plot_waterfall_build(bars, m, &opt, &list, err);
    free(bars);
    if (st != ONC_OK) {
        if (st != ONC_ERR_NOMEM)
            st = wrap_error(err, ONC_ERR_COMPUTE, NULL, 0, "waterfall plot: ", err);
        return st;
    }
    snprintf(name, sizeof name, "waterfall_%s", rr->criteria == ONC_PLAN_CHOI ? "choi"
             : rr->criteria == ONC_PLAN_MRECIST ? "mrecist" : "recist");
    snprintf(title, sizeof title, "Best change in tumour size from baseline (%s)",
             onc_plan_criteria_name(rr->criteria));
    snprintf(caption, sizeof caption,
             "One bar per patient with a measured target lesion at baseline and at least one "
             "follow-up assessment (%zu patients), coloured by best overall response. Dashed lines: "
             "%s.", m, rr->criteria == ONC_PLAN_CHOI ? "+10% and -10% (Choi, size)"
                       : "+20% (progression) and -30% (partial response)");
    return figure_add(r, name, title, caption, 2, list, &rr->figure);
}

/* ====================================================================== */
/* onc_report_run                                                          */
/* ====================================================================== */

onc_status onc_report_run(const onc_plan *plan, onc_report **out, onc_error *err)
{
    onc_report *r;
    onc_status st;
    size_t k;

    *out = NULL;
    onc_error_clear(err);
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return ONC_ERR_NOMEM;
    r->plan = plan;
    r->forest_endpoint = NO_FIGURE;
    if ((st = read_file(r, &plan->patients, &r->screened, err)) != ONC_OK)
        goto fail;
    if ((st = setup_patients(r, err)) != ONC_OK)
        goto fail;
    if ((st = run_table1(r, err)) != ONC_OK)
        goto fail;
    r->endpoints = onc_callocarray(plan->n_endpoints ? plan->n_endpoints : 1, sizeof *r->endpoints);
    if (r->endpoints == NULL) {
        st = ONC_ERR_NOMEM;
        goto fail;
    }
    for (k = 0; k < plan->n_endpoints; k++) {
        r->n_endpoints = k + 1;
        if ((st = run_endpoint(r, k, err)) != ONC_OK)
            goto fail;
        r->endpoints[k].km_shown = plan->km &&
            endpoint_listed(plan->km_endpoints, plan->n_km_endpoints, plan->endpoints[k].name, 1);
    }
    if ((st = run_cox(r, err)) != ONC_OK)
        goto fail;
    if ((st = run_subgroups(r, err)) != ONC_OK)
        goto fail;
    if ((st = run_response(r, err)) != ONC_OK)
        goto fail;
    if ((st = run_safety(r, err)) != ONC_OK)
        goto fail;
    for (k = 0; k < r->n_endpoints; k++)
        if (r->endpoints[k].km_shown && (st = figure_km(r, &r->endpoints[k], err)) != ONC_OK)
            goto fail;
    for (k = 0; k < r->n_forests; k++)
        if ((st = figure_forest(r, &r->forests[k], err)) != ONC_OK)
            goto fail;
    if (r->n_responses > 0 && (st = figure_waterfall(r, &r->responses[0], err)) != ONC_OK)
        goto fail;
    *out = r;
    return ONC_OK;
fail:
    if (st == ONC_ERR_NOMEM && err != NULL && err->message[0] == '\0')
        onc_error_set(err, st, NULL, 0, 0, NULL, "out of memory");
    onc_report_free(r);
    return st;
}

void onc_report_free(onc_report *r)
{
    size_t k;

    if (r == NULL)
        return;
    onc_frame_free(r->screened);
    onc_frame_free(r->patients);
    free(r->screen_row);
    if (r->patient_id != NULL && r->flow != NULL)
        for (k = 0; k < r->flow->n_eligible; k++)
            free(r->patient_id[k]);
    free(r->patient_id);
    onc_flow_free(r->flow);
    for (k = 0; k < r->n_arms; k++) {
        if (r->arm_value)
            free(r->arm_value[k]);
        if (r->arm_label)
            free(r->arm_label[k]);
    }
    free(r->arm_value);
    free(r->arm_label);
    free(r->arm);
    free(r->arm_n);
    onc_table1_free(r->table1);
    for (k = 0; k < r->n_endpoints; k++)
        endpoint_free(&r->endpoints[k]);
    free(r->endpoints);
    for (k = 0; k < r->n_cox_sets; k++) {
        size_t j;
        for (j = 0; j < r->cox_sets[k].n_univariable; j++)
            cox_free(&r->cox_sets[k].univariable[j]);
        free(r->cox_sets[k].univariable);
        cox_free(&r->cox_sets[k].adjusted);
    }
    free(r->cox_sets);
    for (k = 0; k < r->n_forests; k++)
        forest_free(&r->forests[k]);
    free(r->forests);
    onc_frame_free(r->lesions);
    free(r->lesion_used);
    for (k = 0; k < r->n_responses; k++)
        response_free(&r->responses[k]);
    free(r->responses);
    onc_frame_free(r->adverse);
    free(r->ae_used);
    onc_ae_free(r->ae);
    for (k = 0; k < r->n_figures; k++) {
        free(r->figures[k].name);
        free(r->figures[k].title);
        free(r->figures[k].caption);
        onc_plot_list_free(r->figures[k].list);
        free(r->figures[k].svg);
    }
    free(r->figures);
    free(r);
}

/* ====================================================================== */
/* Writing the outputs                                                     */
/* ====================================================================== */

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(FILE *fp, const char *s)
{
    size_t n = strlen(s);
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');

    if (!quote)
        quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The rows of df with keep[i] (all when keep is NULL) as CSV; numbers in
** their shortest round-trip form, so that reading the file back gives the
** same doubles and the same results. */
static void write_frame_csv(const onc_frame *df, const unsigned char *keep, FILE *fp)
{
    size_t i, c;
    char buf[1024];

    for (c = 0; c < df->n_cols; c++) {
        if (c > 0)
            fputc(',', fp);
        csv_field(fp, df->cols[c].name);
    }
    fputc('\n', fp);
    for (i = 0; i < df->n_rows; i++) {
        if (keep != NULL && !keep[i])
            continue;
        for (c = 0; c < df->n_cols; c++) {
            if (c > 0)
                fputc(',', fp);
            cell_text(&df->cols[c], i, buf, sizeof buf);
            csv_field(fp, buf);
        }
        fputc('\n', fp);
    }
}

/* mkdir -p: the output directory and any missing parents. */
static onc_status make_dir(const char *path, onc_error *err)
{
    char buf[4096];
    size_t n = strlen(path), k;

    if (n == 0 || n >= sizeof buf)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL, "invalid output directory name");
    memcpy(buf, path, n + 1);
    for (k = 1; k <= n; k++) {
        if (buf[k] != '/' && buf[k] != '\0')
            continue;
        buf[k] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return onc_error_set(err, ONC_ERR_IO, buf, 0, 0, NULL, "cannot create the directory: %s",
                                 strerror(errno));
        if (k < n)
            buf[k] = '/';
    }
    {
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "is not a directory");
    }
    return ONC_OK;
}

static onc_status join(char *buf, size_t cap, const char *dir, const char *a, const char *b)
{
    if ((size_t)snprintf(buf, cap, "%s/%s%s", dir, a, b ? b : "") >= cap)
        return ONC_ERR_LIMIT;
    return ONC_OK;
}

typedef struct report_writer {
    onc_report *r;
    const report_table *tables;
    size_t n_tables;
} report_writer;

/* Write one output file atomically with a callback. */
static onc_status write_file(const char *path, onc_status (*fn)(const report_writer *, FILE *, onc_error *),
                             const report_writer *w, onc_error *err)
{
    onc_output *o = NULL;
    onc_status st = onc_output_open(path, &o, err);

    if (st != ONC_OK)
        return st;
    st = fn(w, onc_output_file(o), err);
    if (st != ONC_OK) {
        onc_output_abort(o);
        return st;
    }
    return onc_output_commit(o, err);
}

static onc_status w_html(const report_writer *w, FILE *fp, onc_error *err)
{
    return report_write_html(w->r, w->tables, w->n_tables, fp, err);
}

static onc_status w_json(const report_writer *w, FILE *fp, onc_error *err)
{
    return onc_report_write_json(w->r, fp, err);
}

static onc_status w_methods(const report_writer *w, FILE *fp, onc_error *err)
{
    return onc_report_write_methods(w->r, 0, fp);
}

static onc_status w_patients(const report_writer *w, FILE *fp, onc_error *err)
{
    write_frame_csv(w->r->patients, NULL, fp);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

static onc_status w_lesions(const report_writer *w, FILE *fp, onc_error *err)
{
    write_frame_csv(w->r->lesions, w->r->lesion_used, fp);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

static onc_status w_adverse(const report_writer *w, FILE *fp, onc_error *err)
{
    write_frame_csv(w->r->adverse, w->r->ae_used, fp);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

/* A report table as CSV: the header row, then the rows as shown. */
static onc_status write_table_csv(const report_table *t, FILE *fp)
{
    size_t i, k;

    for (k = 0; k < t->n_cols; k++) {
        if (k > 0)
            fputc(',', fp);
        if (k > 0 && t->group_span > 1 && (k - 1) / t->group_span < t->n_groups) {
            char both[512];
            snprintf(both, sizeof both, "%s: %s", t->group_header[(k - 1) / t->group_span], t->header[k]);
            csv_field(fp, both);
        } else {
            csv_field(fp, t->header[k]);
        }
    }
    fputc('\n', fp);
    for (i = 0; i < t->n_rows; i++) {
        for (k = 0; k < t->n_cols; k++) {
            if (k > 0)
                fputc(',', fp);
            csv_field(fp, t->cells[i * t->n_cols + k]);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

static onc_status read_whole(const char *path, char **out, onc_error *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    *out = NULL;
    if (fp == NULL)
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot read the figure: %s",
                             strerror(errno));
    for (;;) {
        size_t got;
        if (cap - len < 65536) {
            char *grown;
            if (cap > ((size_t)1 << 30)) {
                free(buf);
                fclose(fp);
                return onc_error_set(err, ONC_ERR_LIMIT, path, 0, 0, NULL, "the figure is larger than 1 GiB");
            }
            cap = cap ? cap * 2 : 262144;
            grown = realloc(buf, cap + 1);
            if (grown == NULL) {
                free(buf);
                fclose(fp);
                return ONC_ERR_NOMEM;
            }
            buf = grown;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    buf[len] = '\0';
    *out = buf;
    return ONC_OK;
}

onc_status onc_report_write(onc_report *r, const char *dir, onc_error *err)
{
    const onc_plan *p = r->plan;
    report_table *tables = NULL;
    size_t n_tables = 0, k;
    report_writer w;
    char path[4096], sub[4096];
    onc_status st;

    onc_error_clear(err);
    if ((st = make_dir(dir, err)) != ONC_OK)
        return st;
    if (join(sub, sizeof sub, dir, "figures", NULL) != ONC_OK)
        return onc_error_set(err, ONC_ERR_LIMIT, dir, 0, 0, NULL, "the path is too long");
    if ((st = make_dir(sub, err)) != ONC_OK)
        return st;
    for (k = 0; k < r->n_figures; k++) {
        report_figure *f = &r->figures[k];
        static const char *const ext[] = {".svg", ".png", ".pdf"};
        int want[3];
        size_t e;
        want[0] = 1;
        want[1] = p->fig_png;
        want[2] = p->fig_pdf;
        for (e = 0; e < 3; e++) {
            if (!want[e])
                continue;
            if (join(path, sizeof path, sub, f->name, ext[e]) != ONC_OK)
                return onc_error_set(err, ONC_ERR_LIMIT, dir, 0, 0, NULL, "the path is too long");
            if ((st = onc_plot_list_write(f->list, path, err)) != ONC_OK)
                return st;
        }
        if (join(path, sizeof path, sub, f->name, ".svg") != ONC_OK)
            return ONC_ERR_LIMIT;
        free(f->svg);
        f->svg = NULL;
        if ((st = read_whole(path, &f->svg, err)) != ONC_OK)
            return st;
        if (!p->fig_svg)
            remove(path);       /* made for the HTML only */
    }
    if ((st = report_tables(r, &tables, &n_tables)) != ONC_OK)
        return st;
    w.r = r;
    w.tables = tables;
    w.n_tables = n_tables;
    if (p->out_html) {
        if ((st = join(path, sizeof path, dir, "report.html", NULL)) != ONC_OK ||
            (st = write_file(path, w_html, &w, err)) != ONC_OK)
            goto done;
    }
    if (p->out_json) {
        if ((st = join(path, sizeof path, dir, "results.json", NULL)) != ONC_OK ||
            (st = write_file(path, w_json, &w, err)) != ONC_OK)
            goto done;
    }
    if ((st = join(path, sizeof path, dir, "methods.txt", NULL)) != ONC_OK ||
        (st = write_file(path, w_methods, &w, err)) != ONC_OK)
        goto done;
    if (p->out_csv) {
        if ((st = join(sub, sizeof sub, dir, "tables", NULL)) != ONC_OK || (st = make_dir(sub, err)) != ONC_OK)
            goto done;
        for (k = 0; k < n_tables; k++) {
            onc_output *o = NULL;
            if ((st = join(path, sizeof path, sub, tables[k].id, ".csv")) != ONC_OK ||
                (st = onc_output_open(path, &o, err)) != ONC_OK)
                goto done;
            if ((st = write_table_csv(&tables[k], onc_output_file(o))) != ONC_OK) {
                onc_output_abort(o);
                goto done;
            }
            if ((st = onc_output_commit(o, err)) != ONC_OK)
                goto done;
        }
    }
    if ((st = join(sub, sizeof sub, dir, "derived", NULL)) != ONC_OK || (st = make_dir(sub, err)) != ONC_OK)
        goto done;
    if ((st = join(path, sizeof path, sub, "patients.csv", NULL)) != ONC_OK ||
        (st = write_file(path, w_patients, &w, err)) != ONC_OK)
        goto done;
    if (r->lesions != NULL &&
        ((st = join(path, sizeof path, sub, "lesions.csv", NULL)) != ONC_OK ||
         (st = write_file(path, w_lesions, &w, err)) != ONC_OK))
        goto done;
    if (r->adverse != NULL &&
        ((st = join(path, sizeof path, sub, "adverse_events.csv", NULL)) != ONC_OK ||
         (st = write_file(path, w_adverse, &w, err)) != ONC_OK))
        goto done;
done:
    if (st == ONC_ERR_LIMIT && err != NULL && err->message[0] == '\0')
        onc_error_set(err, st, dir, 0, 0, NULL, "the path is too long");
    report_tables_free(tables, n_tables);
    return st;
}

onc_status onc_report_write_summary(const onc_report *r, FILE *fp)
{
    size_t k, g;
    char buf[128];

    fprintf(fp, "%s\n", r->plan->title.text ? r->plan->title.text : "Results");
    fprintf(fp, "Patients: %zu screened, %zu excluded, %zu analysed (", r->flow->n_screened,
            r->flow->n_excluded, r->flow->n_eligible);
    for (k = 0; k < r->n_arms; k++)
        fprintf(fp, "%s%s %zu", k ? ", " : "", r->arm_label[k], r->arm_n[k]);
    fputs(")\n", fp);
    for (k = 0; k < r->n_endpoints; k++) {
        const report_endpoint *e = &r->endpoints[k];
        fprintf(fp, "%s: median", e->plan->name);
        for (g = 0; g < r->n_arms; g++) {
            const onc_km_quantile *q = &e->km->curves[g].median;
            report_format_ci(buf, sizeof buf, q->estimate, q->lower, q->upper, 1, "NR");
            fprintf(fp, "%s %s", g ? ";" : "", buf);
        }
        if (e->logrank && isfinite(e->logrank->p_value)) {
            onc_format_p(e->logrank->p_value, buf, sizeof buf);
            fprintf(fp, "; log-rank P %s%s", buf[0] == '<' ? "" : "= ", buf);
        }
        fprintf(fp, " (%zu used, %zu excluded)\n", e->n_used, e->excluded.n_excluded);
    }
    for (k = 0; k < r->n_responses; k++) {
        const report_response *rr = &r->responses[k];
        fprintf(fp, "ORR (%s):", onc_plan_criteria_name(rr->criteria));
        for (g = 0; g < r->n_arms; g++)
            fprintf(fp, "%s %zu/%zu", g ? ";" : "", rr->orr[g].count, rr->orr[g].n);
        fputs("\n", fp);
    }
    if (r->ae != NULL)
        fprintf(fp, "Adverse events: grade >= 3 in %zu of %zu patients\n", r->ae->any.total.grade3_plus,
                r->ae->n_patients);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}
