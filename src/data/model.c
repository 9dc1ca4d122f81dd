/*
** model.c -- the model frame: from a data frame and a formula to the plain
** arrays the estimators take.  The rules are stated in oncostat/model.h.
**
** Order of work: resolve every column the formula names (so that the first
** unknown one in the text is reported), evaluate and check the response,
** decide which rows are used, then code factors on the used rows only (so
** that levels without rows are dropped) and fill the design matrix, strata,
** clusters and groups.  Everything is O(n) or O(n log n) in the rows:
** distinct values are found with a radix sort.
**
** At registry scale (10^7 rows) the cost is memory traffic, so each pass
** over the rows is a plain loop over one or two arrays: a bare column is
** read where it is rather than evaluated into a copy; missing values are
** found with one scan per variable and only the rows that have one go
** through the exclusions ledger; when every row is used, rows are copied
** with memcpy and factor codes are read in place; a variable coded for the
** design matrix is not coded again for the groups, and a single factor's
** codes become the groups without a copy.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/model.h"
#include "core/internal.h"

#define MODEL_LABEL "formula"

/* A factor coded on the used rows. */
typedef struct model_factor {
    size_t n_levels;
    char **labels;          /* n_levels, or NULL when not asked for */
    int32_t *code;          /* m->n codes in 0 .. n_levels-1 */
} model_factor;

/* A variable checked for missing values, in the order the formula names it. */
typedef struct model_item {
    size_t offset;          /* byte offset in the formula; weights last */
    long col;               /* a plain column, or -1 for an expression */
    const onc_expr *expr;
    const double *values;   /* the expression's values, all rows */
    long *expr_cols;        /* the expression's columns */
    char **reasons;         /* plain: 1; expression: one per column + undefined */
    size_t n_reasons;
} model_item;

/* A distinct variable of the right-hand side terms. */
typedef struct model_var {
    long col;
    int as_factor;
    int is_factor;
    model_factor fa;        /* factors; taken over by the groups at the end */
    const double *value;    /* numeric variables in interactions: m->n values */
    double *value_owned;    /* value, when it is not the column itself */
} model_var;

/* How event values become the 0/1 status (R's Surv rules). */
typedef enum model_event_map {
    MODEL_EVENT_AS_IS = 0,      /* 0/1 already, or not an event */
    MODEL_EVENT_NONZERO = 1,    /* a logical column: TRUE = event */
    MODEL_EVENT_MINUS_ONE = 2   /* 1/2: 2 = event */
} model_event_map;

typedef struct model_build {
    const onc_frame *df;
    const onc_formula *f;
    const onc_model_options *opt;
    unsigned parts;         /* onc_model_part bits */
    onc_model *m;
    onc_error *err;
    /* Every row is used: used row i is source row i, m->row[i] == i + 1.
    ** Otherwise used row i is source row m->row[i] - 1. */
    int all_rows;
    const double *resp[3];  /* response values, all rows: a column's own ... */
    double *resp_owned[3];  /* ... or an expression's, evaluated here */
    model_event_map event_map;
    const double *offset_all;   /* offset() values, all rows */
    double *offset_owned;
    long weights_col;       /* -1 without weights */
    long y_factor_col;      /* a factor response column, or -1 */
} model_build;

/* Rows per block when scanning for missing values: the loop over a block
** has no early exit, so it runs without branches, and the scan still
** stops soon after the first missing value. */
#define MODEL_SCAN_BLOCK 4096

/* 0-based source row of used row i. */
static size_t model_source(const model_build *b, size_t i)
{
    return b->all_rows ? i : b->m->row[i] - 1;
}

static double model_map_event(model_event_map map, double x)
{
    if (map == MODEL_EVENT_NONZERO)
        return isnan(x) ? x : (double)(x != 0);
    if (map == MODEL_EVENT_MINUS_ONE)
        return x - 1;
    return x;
}

/* The used rows of an all-rows array into dst (m->n values). */
static void model_gather(const model_build *b, const double *all, model_event_map map,
                         double *dst)
{
    const size_t *row = b->m->row;
    size_t n = b->m->n, i;

    if (b->all_rows && map == MODEL_EVENT_AS_IS)
        memcpy(dst, all, n * sizeof *dst);
    else if (b->all_rows)
        for (i = 0; i < n; i++)
            dst[i] = model_map_event(map, all[i]);
    else if (map == MODEL_EVENT_AS_IS)
        for (i = 0; i < n; i++)
            dst[i] = all[row[i] - 1];
    else
        for (i = 0; i < n; i++)
            dst[i] = model_map_event(map, all[row[i] - 1]);
}

/* The used rows of an all-rows array, in a new array. */
static double *model_take(const model_build *b, const double *all, model_event_map map)
{
    double *v = onc_mallocarray(b->m->n, sizeof *v);

    if (v != NULL)
        model_gather(b, all, map, v);
    return v;
}

/* ------------------------------------------------------------------ */
/* Sorting and formatting.                                             */

/* Doubles as unsigned keys with the same order (NaN excluded). */
static uint64_t model_key(double x)
{
    uint64_t u;

    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | ((uint64_t)1 << 63));
}

static double model_unkey(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & ~((uint64_t)1 << 63)) : ~k;
    double x;

    memcpy(&x, &u, sizeof x);
    return x;
}

/*
** Dense codes of keys[0 .. n-1] in key order: code[i] is the rank of
** keys[i] among the distinct keys, which are left, sorted, in keys[0 ..
** *n_distinct-1].  An LSD radix sort (one byte per pass, constant bytes
** skipped) carries each row's index along, so the codes come from one
** linear scan and no row is looked up in a table.
*/
static onc_status model_rank_keys(uint64_t *keys, size_t n, int32_t *code, size_t *n_distinct)
{
    size_t (*count)[256] = calloc(8, sizeof *count);
    uint64_t *ktmp = onc_mallocarray(n, sizeof *ktmp), *ksrc = keys, *kdst = ktmp;
    uint32_t *idx = onc_mallocarray(n, sizeof *idx), *itmp = onc_mallocarray(n, sizeof *itmp);
    uint32_t *isrc = idx, *idst = itmp;
    size_t i, pass, k = 0;

    if (count == NULL || ktmp == NULL || idx == NULL || itmp == NULL) {
        free(count);
        free(ktmp);
        free(idx);
        free(itmp);
        return ONC_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) {
        idx[i] = (uint32_t)i;
        for (pass = 0; pass < 8; pass++)
            count[pass][(keys[i] >> (8 * pass)) & 0xFF]++;
    }
    for (pass = 0; pass < 8; pass++) {
        size_t sum = 0, b;
        if (n == 0 || count[pass][(keys[0] >> (8 * pass)) & 0xFF] == n)
            continue;
        for (b = 0; b < 256; b++) {
            size_t c = count[pass][b];
            count[pass][b] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++) {
            size_t to = count[pass][(ksrc[i] >> (8 * pass)) & 0xFF]++;
            kdst[to] = ksrc[i];
            idst[to] = isrc[i];
        }
        {
            uint64_t *t = ksrc;
            uint32_t *u = isrc;
            ksrc = kdst;
            kdst = t;
            isrc = idst;
            idst = u;
        }
    }
    for (i = 0; i < n; i++) {
        if (i > 0 && ksrc[i] != ksrc[i - 1])
            k++;
        code[isrc[i]] = (int32_t)k;
        ksrc[k] = ksrc[i];
    }
    *n_distinct = n > 0 ? k + 1 : 0;
    if (ksrc != keys)
        memcpy(keys, ksrc, *n_distinct * sizeof *keys);
    free(count);
    free(ktmp);
    free(idx);
    free(itmp);
    return ONC_OK;
}

/* YYYY-MM-DD of days since 1970-01-01 (H. Hinnant's civil_from_days). */
static void model_format_date(double days, char *buf, size_t cap)
{
    long z, era, doe, yoe, y, doy, mp, d, mo;

    if (!isfinite(days) || fabs(days) > 1e8) {
        snprintf(buf, cap, "%.15g", days);
        return;
    }
    z = (long)floor(days) + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    mo = mp < 10 ? mp + 3 : mp - 9;
    snprintf(buf, cap, "%04ld-%02ld-%02ld", y + (mo <= 2), mo, d);
}

/*
** A number as R's as.character() writes it, which is how factor(x) names
** its levels: 15 significant digits, fixed notation unless scientific is
** narrower ("1e+05", "0.001", "1e-04", "0.333333333333333").
*/
static void model_format_number(double x, onc_coltype type, char *buf, size_t cap)
{
    char tmp[48];
    const char *e;
    int nsig, ex, neg = x < 0, fixed_w, sci_w, dec;

    if (type == ONC_COL_DATE) {
        model_format_date(x, buf, cap);
        return;
    }
    if (type == ONC_COL_INTEGER && fabs(x) < 1e15) {
        snprintf(buf, cap, "%.0f", x);
        return;
    }
    if (x == 0 || !isfinite(x)) {
        snprintf(buf, cap, x == 0 ? "0" : "%g", x);
        return;
    }
    snprintf(tmp, sizeof tmp, "%.14e", x);      /* [-]d.dddddddddddddde+XX */
    e = strchr(tmp, 'e');
    if (e == NULL) {
        snprintf(buf, cap, "%.15g", x);
        return;
    }
    ex = (int)strtol(e + 1, NULL, 10);
    nsig = 15;
    while (nsig > 1 && tmp[neg + 1 + nsig - 1] == '0')
        nsig--;
    if (ex >= 0) {
        dec = nsig - 1 - ex > 0 ? nsig - 1 - ex : 0;
        fixed_w = neg + ex + 1 + (dec > 0 ? dec + 1 : 0);
    } else {
        dec = nsig - 1 - ex;
        fixed_w = neg + 2 + dec;
    }
    sci_w = neg + nsig + (nsig > 1) + (ex >= 100 || ex <= -100 ? 5 : 4);
    if (fixed_w <= sci_w && ex < 15)
        snprintf(buf, cap, "%.*f", dec, x);
    else
        snprintf(buf, cap, "%.*e", nsig - 1, x);
}

/* ------------------------------------------------------------------ */
/* Factors.                                                            */

static void model_factor_release(model_factor *fa)
{
    size_t k;

    if (fa->labels != NULL)
        for (k = 0; k < fa->n_levels; k++)
            free(fa->labels[k]);
    free(fa->labels);
    free(fa->code);
    memset(fa, 0, sizeof *fa);
}

static const char *model_find_ref(const onc_model_options *opt, const char *name)
{
    size_t k;

    for (k = 0; k < opt->n_refs; k++)
        if (strcmp(opt->refs[k].variable, name) == 0)
            return opt->refs[k].level;
    return NULL;
}

static onc_status model_add_dropped(onc_model *m, const char *var, const char *level)
{
    size_t n = strlen(var) + strlen(level) + 2;
    char **grown, *s = malloc(n);

    if (s == NULL)
        return ONC_ERR_NOMEM;
    snprintf(s, n, "%s=%s", var, level);
    grown = onc_reallocarray(m->dropped_levels, m->n_dropped_levels + 1, sizeof *grown);
    if (grown == NULL) {
        free(s);
        return ONC_ERR_NOMEM;
    }
    m->dropped_levels = grown;
    m->dropped_levels[m->n_dropped_levels++] = s;
    return ONC_OK;
}

/*
** Final coding of the used rows from level indices 0 .. n_names-1 whose
** levels, in R's order, are order[0 .. n_names-1]: the reference moves
** first, levels without rows are dropped, and the rest are renumbered.
** The index of used row i is src[i], or src[m->row[i] - 1] when `by_row`
** (a factor column read in place).  `raw`, when not NULL, is src itself,
** owned: it is recoded in place and becomes out->code, or is freed.
** An index outside 0 .. n_names-1 (a corrupt factor) is ONC_ERR_DATA.
*/
static onc_status model_from_codes(model_build *b, const char *var, const int32_t *src,
                                   int by_row, int32_t *raw, char *const *names,
                                   size_t n_names, const size_t *order, int want_labels,
                                   int record_dropped, model_factor *out)
{
    onc_model *m = b->m;
    const size_t *row = m->row;
    const char *ref = model_find_ref(b->opt, var);
    size_t *count = onc_callocarray(n_names, sizeof *count);
    size_t *final = onc_mallocarray(n_names, sizeof *final);
    int32_t *newidx = onc_mallocarray(n_names, sizeof *newidx);
    size_t i, j, k = 0, r = n_names;
    int identity = 1;
    onc_status rc = ONC_OK;

    if (count == NULL || final == NULL || newidx == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < m->n; i++) {
        int32_t code = by_row ? src[row[i] - 1] : src[i];
        if (code < 0 || (size_t)code >= n_names) {
            rc = onc_error_set(b->err, ONC_ERR_DATA, b->df->source, model_source(b, i) + 1, 0,
                               var, "factor code %ld is not one of the %zu levels",
                               (long)code, n_names);
            goto cleanup;
        }
        count[code]++;
    }
    if (ref != NULL && names != NULL) {
        for (j = 0; j < n_names; j++)
            if (strcmp(names[order[j]], ref) == 0)
                r = j;
        if (r == n_names) {
            char levels[400];
            size_t used = 0;
            levels[0] = '\0';
            for (j = 0; j < n_names && used < sizeof levels; j++) {
                if (j == 20) {
                    snprintf(levels + used, sizeof levels - used, ", ...");
                    break;
                }
                used += (size_t)snprintf(levels + used, sizeof levels - used, "%s%s",
                                         j ? ", " : "", names[order[j]]);
            }
            rc = onc_error_set(b->err, ONC_ERR_USAGE, NULL, 0, 0, var,
                               "reference level '%s' is not a level of '%s' (levels: %s)",
                               ref, var, levels);
            goto cleanup;
        }
        if (count[order[r]] == 0) {
            rc = onc_error_set(b->err, ONC_ERR_DATA, NULL, 0, 0, var,
                               "reference level '%s' of '%s' has no rows left in the analysis",
                               ref, var);
            goto cleanup;
        }
    }
    /* Reference first, then the others in order. */
    if (r < n_names) {
        final[0] = order[r];
        for (j = 0, k = 1; j < n_names; j++)
            if (j != r)
                final[k++] = order[j];
    } else {
        memcpy(final, order, n_names * sizeof *final);
    }
    if (want_labels) {
        out->labels = onc_callocarray(n_names, sizeof *out->labels);
        if (out->labels == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
    }
    k = 0;
    for (j = 0; j < n_names; j++) {
        size_t lv = final[j];
        newidx[lv] = -1;
        if (count[lv] == 0) {
            if (record_dropped && names != NULL) {
                rc = model_add_dropped(m, var, names[lv]);
                if (rc != ONC_OK)
                    goto cleanup;
            }
            continue;
        }
        if (want_labels) {
            out->labels[k] = onc_strdup(names != NULL ? names[lv] : "");
            if (out->labels[k] == NULL) {
                out->n_levels = k;
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
        }
        newidx[lv] = (int32_t)k++;
    }
    out->n_levels = k;
    /* Levels already in final order, none dropped before a used one: the
    ** indices are the codes and the recoding pass is skipped. */
    for (j = 0; j < n_names; j++)
        if (count[j] > 0 && newidx[j] != (int32_t)j)
            identity = 0;
    if (raw != NULL) {
        out->code = raw;
        raw = NULL;
        if (!identity)
            for (i = 0; i < m->n; i++)
                out->code[i] = newidx[out->code[i]];
        goto cleanup;
    }
    out->code = onc_mallocarray(m->n, sizeof *out->code);
    if (out->code == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if (by_row) {
        for (i = 0; i < m->n; i++)
            out->code[i] = newidx[src[row[i] - 1]];
    } else if (identity) {
        memcpy(out->code, src, m->n * sizeof *out->code);
    } else {
        for (i = 0; i < m->n; i++)
            out->code[i] = newidx[src[i]];
    }
cleanup:
    free(raw);
    free(count);
    free(final);
    free(newidx);
    return rc;
}

typedef struct model_level_key {
    double key;             /* numeric order, NaN last */
    const char *name;
    size_t index;
    int numeric;
} model_level_key;

static int model_cmp_level(const void *pa, const void *pb)
{
    const model_level_key *a = pa, *b = pb;

    if (a->numeric) {
        int an = isnan(a->key), bn = isnan(b->key);
        if (an != bn)
            return an - bn;
        if (!an && a->key != b->key)
            return a->key < b->key ? -1 : 1;
    } else {
        int c = strcmp(a->name, b->name);
        if (c != 0)
            return c;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/*
** Code column `col` on the used rows as a factor: a factor column by its
** levels (its codes read in place), a logical column as FALSE/TRUE, a
** number, integer or date column by its distinct values (labels as R's
** factor() writes them).
*/
static onc_status model_factorize(model_build *b, long col, int want_labels, int record_dropped,
                                  model_factor *out)
{
    const onc_column *c = &b->df->cols[col];
    onc_model *m = b->m;
    int32_t *raw = NULL;
    size_t *order = NULL, i, k, n_names = 0;
    char **names = NULL;
    char *const logical_names[2] = { "FALSE", "TRUE" };
    uint64_t *keys = NULL;
    int own_names = 0;
    onc_status rc = ONC_OK;

    memset(out, 0, sizeof *out);
    if (c->type == ONC_COL_FACTOR) {
        model_level_key *lk = onc_mallocarray(c->n_levels, sizeof *lk);
        size_t n_numeric = 0;
        order = onc_mallocarray(c->n_levels, sizeof *order);
        if (lk == NULL || order == NULL) {
            free(lk);
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (k = 0; k < c->n_levels; k++) {
            double x = NAN;
            if (c->level_values != NULL)
                x = c->level_values[k];
            else if (onc_parse_double(c->levels[k], strlen(c->levels[k]), '.', &x) != 0)
                x = NAN;
            n_numeric += !isnan(x);
            lk[k].key = x;
            lk[k].name = c->levels[k];
            lk[k].index = k;
        }
        for (k = 0; k < c->n_levels; k++)
            lk[k].numeric = c->level_values != NULL || n_numeric == c->n_levels;
        qsort(lk, c->n_levels, sizeof *lk, model_cmp_level);
        for (k = 0; k < c->n_levels; k++)
            order[k] = lk[k].index;
        free(lk);
        rc = model_from_codes(b, c->name, c->code, !b->all_rows, NULL, c->levels, c->n_levels,
                              order, want_labels, record_dropped, out);
        goto cleanup;
    }
    raw = onc_mallocarray(m->n, sizeof *raw);
    if (raw == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if (c->type == ONC_COL_LOGICAL) {
        static const size_t logical_order[2] = { 0, 1 };
        for (i = 0; i < m->n; i++)
            raw[i] = c->num[model_source(b, i)] != 0;
        rc = model_from_codes(b, c->name, raw, 0, raw, logical_names, 2, logical_order,
                              want_labels, record_dropped, out);
        raw = NULL;
        goto cleanup;
    } else {
        /* Distinct values, sorted: a radix sort keeps 10^7 rows quick. */
        char buf[64];
        int need_names = want_labels || model_find_ref(b->opt, c->name) != NULL;
        keys = onc_mallocarray(m->n, sizeof *keys);
        if (keys == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        /* -0 and 0 are one value. */
        for (i = 0; i < m->n; i++) {
            double x = c->num[model_source(b, i)];
            keys[i] = model_key(x == 0 ? 0.0 : x);
        }
        rc = model_rank_keys(keys, m->n, raw, &n_names);
        if (rc != ONC_OK)
            goto cleanup;
        order = onc_mallocarray(n_names, sizeof *order);
        if (order == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (k = 0; k < n_names; k++)
            order[k] = k;
        if (need_names) {
            names = onc_callocarray(n_names, sizeof *names);
            own_names = 1;
            if (names == NULL) {
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
            for (k = 0; k < n_names; k++) {
                model_format_number(model_unkey(keys[k]), c->type, buf, sizeof buf);
                names[k] = onc_strdup(buf);
                if (names[k] == NULL) {
                    rc = ONC_ERR_NOMEM;
                    goto cleanup;
                }
            }
        }
    }
    rc = model_from_codes(b, c->name, raw, 0, raw, names, n_names, order,
                          want_labels && names != NULL, record_dropped, out);
    raw = NULL;
cleanup:
    if (own_names && names != NULL) {
        for (k = 0; k < n_names; k++)
            free(names[k]);
        free(names);
    }
    free(keys);
    free(order);
    free(raw);
    if (rc != ONC_OK)
        model_factor_release(out);
    return rc;
}

/*
** Cross factors fa[0 .. k-1], the first varying slowest, into dense codes
** of the combinations present (in that order); level[g * k + j] is the
** level of factor j in combination g.  A single factor is its own
** crossing, since every level has a row: its codes are taken over, not
** copied, and fa[0].code becomes NULL.
*/
static onc_status model_cross(const model_build *b, model_factor *fa, size_t k,
                              int32_t **codes_out, size_t *n_out, size_t **level_out)
{
    size_t n = b->m->n, levels = 1, i, j, g, cells;
    int32_t *codes = NULL, *table = NULL;
    uint64_t *keys = NULL;
    size_t *first = NULL, *level = NULL;
    onc_status rc = ONC_OK;

    *codes_out = NULL;
    *level_out = NULL;
    *n_out = 0;
    if (k == 1) {
        level = onc_mallocarray(fa[0].n_levels, sizeof *level);
        if (level == NULL)
            return ONC_ERR_NOMEM;
        for (g = 0; g < fa[0].n_levels; g++)
            level[g] = g;
        *codes_out = fa[0].code;
        *n_out = fa[0].n_levels;
        *level_out = level;
        fa[0].code = NULL;
        return ONC_OK;
    }
    if (k == 0) {
        codes = onc_callocarray(n, sizeof *codes);
    } else {
        codes = onc_mallocarray(n, sizeof *codes);
        if (codes != NULL)
            memcpy(codes, fa[0].code, n * sizeof *codes);
        levels = fa[0].n_levels;
    }
    if (codes == NULL)
        return ONC_ERR_NOMEM;
    for (j = 1; j < k; j++) {
        size_t nb = fa[j].n_levels, space;
        if (onc_mul_overflow(levels, nb, &space) != 0 || space > ((uint64_t)1 << 62)) {
            rc = onc_error_set(b->err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                               "model frame: too many combinations of levels to cross");
            goto cleanup;
        }
        if (space <= 4 * n + 1024) {
            table = onc_mallocarray(space, sizeof *table);
            if (table == NULL) {
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
            for (g = 0; g < space; g++)
                table[g] = -1;
            for (i = 0; i < n; i++)
                table[(size_t)codes[i] * nb + (size_t)fa[j].code[i]] = 0;
            levels = 0;
            for (g = 0; g < space; g++)
                if (table[g] == 0)
                    table[g] = (int32_t)levels++;
            for (i = 0; i < n; i++)
                codes[i] = table[(size_t)codes[i] * nb + (size_t)fa[j].code[i]];
            free(table);
            table = NULL;
        } else {
            keys = onc_mallocarray(n, sizeof *keys);
            if (keys == NULL) {
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
            for (i = 0; i < n; i++)
                keys[i] = (uint64_t)codes[i] * nb + (uint64_t)fa[j].code[i];
            rc = model_rank_keys(keys, n, codes, &levels);
            if (rc != ONC_OK)
                goto cleanup;
            free(keys);
            keys = NULL;
        }
    }
    first = onc_mallocarray(levels, sizeof *first);
    if (first == NULL || onc_mul_overflow(levels, k, &cells) != 0 ||
        (level = onc_mallocarray(cells, sizeof *level)) == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (g = 0; g < levels; g++)
        first[g] = n;
    for (i = n; i-- > 0;)
        first[codes[i]] = i;
    for (g = 0; g < levels; g++)
        for (j = 0; j < k; j++)
            level[g * k + j] = (size_t)fa[j].code[first[g]];
cleanup:
    free(table);
    free(keys);
    free(first);
    if (rc != ONC_OK) {
        free(codes);
        free(level);
        return rc;
    }
    *codes_out = codes;
    *n_out = levels;
    *level_out = level;
    return ONC_OK;
}

/* "a=p, b=u" for each combination; values[g][v] when values is not NULL. */
static onc_status model_cross_labels(const model_factor *fa, char *const *names, size_t k,
                                     const size_t *level, size_t n_groups, char ***labels_out,
                                     char ****values_out)
{
    char **labels = onc_callocarray(n_groups, sizeof *labels);
    char ***values = values_out != NULL ? onc_callocarray(n_groups, sizeof *values) : NULL;
    size_t g, j;

    *labels_out = labels;
    if (values_out != NULL)
        *values_out = values;
    if (labels == NULL || (values_out != NULL && values == NULL))
        return ONC_ERR_NOMEM;
    for (g = 0; g < n_groups; g++) {
        size_t len = 1;
        if (values != NULL) {
            values[g] = onc_callocarray(k, sizeof *values[g]);
            if (values[g] == NULL)
                return ONC_ERR_NOMEM;
        }
        if (k == 0) {
            labels[g] = onc_strdup("all");
            if (labels[g] == NULL)
                return ONC_ERR_NOMEM;
            continue;
        }
        for (j = 0; j < k; j++)
            len += strlen(names[j]) + strlen(fa[j].labels[level[g * k + j]]) + 3;
        labels[g] = malloc(len);
        if (labels[g] == NULL)
            return ONC_ERR_NOMEM;
        labels[g][0] = '\0';
        for (j = 0; j < k; j++) {
            const char *lv = fa[j].labels[level[g * k + j]];
            size_t used = strlen(labels[g]);
            snprintf(labels[g] + used, len - used, "%s%s=%s", j ? ", " : "", names[j], lv);
            if (values != NULL) {
                values[g][j] = onc_strdup(lv);
                if (values[g][j] == NULL)
                    return ONC_ERR_NOMEM;
            }
        }
    }
    return ONC_OK;
}

/* ------------------------------------------------------------------ */
/* Response.                                                           */

/*
** The values of an expression on every row.  A bare number, integer, date
** or logical column is read where it is: evaluating it would only copy
** it.  Anything else is evaluated into *owned.
*/
static onc_status model_values(const model_build *b, const onc_expr *e, const double **values,
                               double **owned)
{
    const char *bare = onc_expr_bare_column(e);
    long c = bare != NULL ? onc_frame_find(b->df, bare) : -1;

    *owned = NULL;
    *values = NULL;
    if (c >= 0 && b->df->cols[c].type != ONC_COL_FACTOR) {
        *values = b->df->cols[c].num;
        return ONC_OK;
    }
    *owned = onc_mallocarray(b->df->n_rows, sizeof **owned);
    if (*owned == NULL)
        return ONC_ERR_NOMEM;
    *values = *owned;
    return onc_expr_eval(e, b->df, *owned, b->err);
}

/*
** Event codes on every row where the event is known: 0/1 as is, 1/2 with
** 2 = event (R's Surv), anything else an error naming the first bad row.
** The values are left as they are; b->event_map says how the used rows'
** become the status.
*/
static onc_status model_event(model_build *b, const onc_expr *e, const double **values,
                              double **owned)
{
    const onc_frame *df = b->df;
    const char *bare = onc_expr_bare_column(e);
    const char *name = bare != NULL ? bare : onc_expr_text(e);
    const double *v;
    size_t first[3] = { 0, 0, 0 }, i;
    onc_status rc;
    long col = bare != NULL ? onc_frame_find(df, bare) : -1;
    char *quoted;

    if (col >= 0 && df->cols[col].type == ONC_COL_FACTOR) {
        const onc_column *c = &df->cols[col];
        char *q = onc_expr_quote_name(c->name);
        rc = onc_error_set(b->err, ONC_ERR_DATA, df->source, 0, 0, c->name,
                           "'%s' is a factor, not an event code; write the event as a "
                           "comparison such as %s == \"%s\"", c->name, q != NULL ? q : c->name,
                           c->n_levels > 0 ? c->levels[c->n_levels - 1] : "dead");
        free(q);
        return rc;
    }
    if (col >= 0 && df->cols[col].type == ONC_COL_DATE)
        return onc_error_set(b->err, ONC_ERR_DATA, df->source, 0, 0, bare,
                             "'%s' is a date, not an event code", bare);
    rc = model_values(b, e, values, owned);
    if (rc != ONC_OK)
        return rc;
    if (col >= 0 && df->cols[col].type == ONC_COL_LOGICAL) {
        b->event_map = MODEL_EVENT_NONZERO;
        b->m->event_coding = ONC_EVENT_LOGICAL;
        return ONC_OK;
    }
    v = *values;
    for (i = 0; i < df->n_rows; i++) {
        double x = v[i];
        if (isnan(x))
            continue;
        if (x != 0 && x != 1 && x != 2)
            break;
        if (first[(int)x] == 0)
            first[(int)x] = i + 1;
    }
    if (i < df->n_rows || (first[0] != 0 && first[2] != 0)) {
        char found[64];
        size_t row = i < df->n_rows ? i + 1 : first[2];
        if (i < df->n_rows)
            snprintf(found, sizeof found, "%g", v[i]);
        else
            snprintf(found, sizeof found, "2 with 0 in row %zu", first[0]);
        if (bare == NULL)
            return onc_error_set(b->err, ONC_ERR_DATA, df->source, row, 0, name,
                                 "'%s' is not an event code: found %s (expected the expression "
                                 "to give 0/1, 1/2 or TRUE/FALSE)", name, found);
        quoted = onc_expr_quote_name(bare);
        rc = onc_error_set(b->err, ONC_ERR_DATA, df->source, row, 0, name,
                           "'%s' is not an event code: found %s (expected 0/1, 1/2, TRUE/FALSE, "
                           "or a comparison such as %s == 2)", name, found,
                           quoted != NULL ? quoted : bare);
        free(quoted);
        return rc;
    }
    if (first[2] != 0) {
        b->event_map = MODEL_EVENT_MINUS_ONE;
        b->m->event_coding = ONC_EVENT_ONE_TWO;
    } else {
        b->m->event_coding = bare != NULL ? ONC_EVENT_ZERO_ONE : ONC_EVENT_LOGICAL;
    }
    return ONC_OK;
}

static onc_status model_check_times(model_build *b, const double *t, const double *t2)
{
    const onc_formula *f = b->f;
    const onc_frame *df = b->df;
    const char *name = onc_expr_text(f->response[0]);
    size_t i;

    for (i = 0; i < df->n_rows; i++) {
        if (!isnan(t[i]) && !isfinite(t[i]))
            return onc_error_set(b->err, ONC_ERR_DATA, df->source, i + 1, 0, name,
                                 "time is not finite");
        if (t2 == NULL) {
            if (t[i] < 0)
                return onc_error_set(b->err, ONC_ERR_DATA, df->source, i + 1, 0, name,
                                     "negative time %g (survival times must be >= 0)", t[i]);
            continue;
        }
        if (!isnan(t2[i]) && !isfinite(t2[i]))
            return onc_error_set(b->err, ONC_ERR_DATA, df->source, i + 1, 0,
                                 onc_expr_text(f->response[1]), "time is not finite");
        if (!isnan(t[i]) && !isnan(t2[i]) && t[i] >= t2[i])
            return onc_error_set(b->err, ONC_ERR_DATA, df->source, i + 1, 0, name,
                                 "start time %g is not before stop time %g ('%s')", t[i],
                                 t2[i], onc_expr_text(f->response[1]));
    }
    return ONC_OK;
}

/* ------------------------------------------------------------------ */
/* Missing values.                                                     */

static void model_items_release(model_item *items, size_t n)
{
    size_t k, j;

    for (k = 0; k < n; k++) {
        for (j = 0; j < items[k].n_reasons; j++)
            free(items[k].reasons[j]);
        free(items[k].reasons);
        free(items[k].expr_cols);
    }
    free(items);
}

/* "<what> '<name>'", e.g. "missing value in 'ecog'". */
static char *model_reason(const char *what, const char *name)
{
    size_t n = strlen(what) + strlen(name) + 4;
    char *s = malloc(n);

    if (s != NULL)
        snprintf(s, n, "%s '%s'", what, name);
    return s;
}

/* Append an item; plain columns already present keep their first place. */
static onc_status model_add_item(model_item **items, size_t *n, size_t offset, long col,
                                 const onc_expr *expr, const double *values,
                                 const onc_frame *df)
{
    model_item *grown, *it;
    size_t k;

    if (col >= 0)
        for (k = 0; k < *n; k++)
            if ((*items)[k].col == col) {
                if (offset < (*items)[k].offset)
                    (*items)[k].offset = offset;
                return ONC_OK;
            }
    grown = onc_reallocarray(*items, *n + 1, sizeof *grown);
    if (grown == NULL)
        return ONC_ERR_NOMEM;
    *items = grown;
    it = &grown[(*n)++];
    memset(it, 0, sizeof *it);
    it->offset = offset;
    it->col = col;
    it->expr = expr;
    it->values = values;
    if (col >= 0) {
        it->reasons = calloc(1, sizeof *it->reasons);
        if (it->reasons == NULL)
            return ONC_ERR_NOMEM;
        it->reasons[0] = model_reason("missing value in", df->cols[col].name);
        it->n_reasons = 1;
        return it->reasons[0] == NULL ? ONC_ERR_NOMEM : ONC_OK;
    }
    k = onc_expr_n_columns(expr);
    it->reasons = onc_callocarray(k + 1, sizeof *it->reasons);
    it->expr_cols = onc_callocarray(k, sizeof *it->expr_cols);
    if (it->reasons == NULL || it->expr_cols == NULL)
        return ONC_ERR_NOMEM;
    it->n_reasons = k + 1;
    for (k = 0; k + 1 < it->n_reasons; k++) {
        const char *name = onc_expr_column(expr, k, NULL);
        it->expr_cols[k] = onc_frame_find(df, name);
        it->reasons[k] = model_reason("missing value in", name);
        if (it->reasons[k] == NULL)
            return ONC_ERR_NOMEM;
    }
    it->reasons[k] = model_reason("undefined value of", onc_expr_text(expr));
    return it->reasons[k] == NULL ? ONC_ERR_NOMEM : ONC_OK;
}

static int model_cmp_item(const void *pa, const void *pb)
{
    const model_item *a = pa, *b = pb;

    return (a->offset > b->offset) - (a->offset < b->offset);
}

/* The reason row i is left out, or NULL when it is used. */
static const char *model_row_reason(const model_item *items, size_t n_items,
                                    const onc_frame *df, size_t i)
{
    size_t k, j;

    for (k = 0; k < n_items; k++) {
        const model_item *it = &items[k];
        if (it->col >= 0) {
            const onc_column *c = &df->cols[it->col];
            if (c->type == ONC_COL_FACTOR ? c->code[i] < 0 : isnan(c->num[i]))
                return it->reasons[0];
            continue;
        }
        if (!isnan(it->values[i]))
            continue;
        for (j = 0; j + 1 < it->n_reasons; j++)
            if (it->expr_cols[j] >= 0 && onc_column_is_missing(&df->cols[it->expr_cols[j]], i))
                return it->reasons[j];
        return it->reasons[it->n_reasons - 1];
    }
    return NULL;
}

/* Is item `it` missing in any row? */
static int model_item_any_missing(const model_item *it, const onc_frame *df)
{
    const onc_column *c = it->col >= 0 ? &df->cols[it->col] : NULL;
    const int32_t *code = c != NULL && c->type == ONC_COL_FACTOR ? c->code : NULL;
    const double *x = c == NULL ? it->values : code == NULL ? c->num : NULL;
    size_t n = df->n_rows, i = 0;

    while (i < n) {
        size_t end = n - i > MODEL_SCAN_BLOCK ? i + MODEL_SCAN_BLOCK : n;
        int any = 0;
        if (code != NULL)
            for (; i < end; i++)
                any |= code[i] < 0;
        else
            for (; i < end; i++)
                any |= isnan(x[i]) != 0;
        if (any)
            return 1;
    }
    return 0;
}

/*
** missing[i] |= item `it` is missing in row i, for every row; returns the
** number of rows marked, by this item or before.
*/
static size_t model_item_mark_missing(const model_item *it, const onc_frame *df,
                                      unsigned char *missing)
{
    const onc_column *c = it->col >= 0 ? &df->cols[it->col] : NULL;
    size_t n = df->n_rows, i, marked = 0;

    if (c != NULL && c->type == ONC_COL_FACTOR) {
        for (i = 0; i < n; i++) {
            missing[i] |= c->code[i] < 0;
            marked += missing[i];
        }
    } else {
        const double *x = c != NULL ? c->num : it->values;
        for (i = 0; i < n; i++) {
            missing[i] |= isnan(x[i]) != 0;
            marked += missing[i];
        }
    }
    return marked;
}

/* ------------------------------------------------------------------ */
/* Design matrix.                                                      */

static size_t model_var_index(const model_var *vars, size_t n_vars, long col, int as_factor)
{
    size_t k;

    for (k = 0; k < n_vars; k++)
        if (vars[k].col == col && vars[k].as_factor == as_factor)
            return k;
    return n_vars;
}

/* R's rule: a factor in a term is coded by contrasts when the term without
** it is empty or is also a term of the model. */
static int model_by_contrasts(const onc_formula *f, const onc_formula_term *t, size_t j)
{
    size_t k, a, c;

    if (t->order == 1)
        return 1;
    for (k = 0; k < f->n_terms; k++) {
        const onc_formula_term *u = &f->terms[k];
        int same = u->order + 1 == t->order;
        for (a = 0, c = 0; same && a < t->order; a++) {
            if (a == j)
                continue;
            same = strcmp(u->vars[c].name, t->vars[a].name) == 0 &&
                   u->vars[c].as_factor == t->vars[a].as_factor;
            c++;
        }
        if (same)
            return 1;
    }
    return 0;
}

/* Append s to a growable string; *failed on overflow of memory. */
static void model_cat(char **dst, size_t *len, const char *s, int *failed)
{
    size_t n = strlen(s);
    char *grown;

    if (*failed)
        return;
    grown = realloc(*dst, *len + n + 1);
    if (grown == NULL) {
        *failed = 1;
        return;
    }
    memcpy(grown + *len, s, n + 1);
    *dst = grown;
    *len += n;
}

static onc_status model_design(model_build *b, model_var *vars, size_t n_vars)
{
    const onc_formula *f = b->f;
    onc_model *m = b->m;
    size_t t, j, i, col = 0, p = 0, total;
    size_t idx[ONC_FORMULA_MAX_ORDER], lo[ONC_FORMULA_MAX_ORDER], hi[ONC_FORMULA_MAX_ORDER];
    const model_var *tv[ONC_FORMULA_MAX_ORDER];
    int contrast[ONC_FORMULA_MAX_ORDER];

    /* Count first, so that the cap is checked before any allocation. */
    for (t = 0; t < f->n_terms; t++) {
        const onc_formula_term *term = &f->terms[t];
        size_t cols = 1;
        for (j = 0; j < term->order; j++) {
            long c = onc_frame_find(b->df, term->vars[j].name);
            const model_var *v = &vars[model_var_index(vars, n_vars, c, term->vars[j].as_factor)];
            size_t nl = 1;
            if (v->is_factor)
                nl = model_by_contrasts(f, term, j) ? (v->fa.n_levels > 0 ? v->fa.n_levels - 1 : 0)
                                                    : v->fa.n_levels;
            if (onc_mul_overflow(cols, nl, &cols) != 0 || cols > ONC_MODEL_MAX_COLUMNS)
                cols = ONC_MODEL_MAX_COLUMNS + 1;
        }
        p += cols;
        if (p > ONC_MODEL_MAX_COLUMNS)
            return onc_error_set(b->err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "formula: the design matrix would have more than %d columns "
                                 "(term '%s')", ONC_MODEL_MAX_COLUMNS, term->label);
    }
    m->cols = onc_callocarray(p, sizeof *m->cols);
    if (onc_mul_overflow(m->n, p, &total) != 0 || m->cols == NULL)
        return ONC_ERR_NOMEM;
    m->x = onc_mallocarray(total, sizeof *m->x);
    if (m->x == NULL)
        return ONC_ERR_NOMEM;

    for (t = 0; t < f->n_terms; t++) {
        const onc_formula_term *term = &f->terms[t];
        int empty = 0;
        for (j = 0; j < term->order; j++) {
            long c = onc_frame_find(b->df, term->vars[j].name);
            tv[j] = &vars[model_var_index(vars, n_vars, c, term->vars[j].as_factor)];
            contrast[j] = tv[j]->is_factor && model_by_contrasts(f, term, j);
            lo[j] = contrast[j] ? 1 : 0;
            hi[j] = tv[j]->is_factor ? tv[j]->fa.n_levels : 1;
            if (lo[j] >= hi[j])
                empty = 1;
            idx[j] = lo[j];
        }
        /* Columns in R's order: the first variable's level varies fastest. */
        while (!empty) {
            onc_model_column *mc = &m->cols[col];
            double *xc = m->x + col * m->n;
            size_t len_name = 0, len_var = 0, len_level = 0, len_ref = 0;
            int failed = 0, any_level = 0, any_ref = 0;
            mc->term = onc_strdup(term->label);
            if (mc->term == NULL)
                return ONC_ERR_NOMEM;
            m->p = ++col;
            for (j = 0; j < term->order; j++) {
                const onc_formula_variable *fv = &term->vars[j];
                char *q = onc_expr_quote_name(fv->name);
                if (q == NULL)
                    return ONC_ERR_NOMEM;
                if (j > 0) {
                    model_cat(&mc->name, &len_name, ":", &failed);
                    model_cat(&mc->variable, &len_var, ":", &failed);
                }
                if (fv->as_factor)
                    model_cat(&mc->name, &len_name, "factor(", &failed);
                model_cat(&mc->name, &len_name, q, &failed);
                if (fv->as_factor)
                    model_cat(&mc->name, &len_name, ")", &failed);
                free(q);
                model_cat(&mc->variable, &len_var, fv->name, &failed);
                if (tv[j]->is_factor) {
                    const char *lv = tv[j]->fa.labels[idx[j]];
                    model_cat(&mc->name, &len_name, lv, &failed);
                    if (any_level++)
                        model_cat(&mc->level, &len_level, ":", &failed);
                    model_cat(&mc->level, &len_level, lv, &failed);
                    if (contrast[j]) {
                        if (any_ref++)
                            model_cat(&mc->reference, &len_ref, ":", &failed);
                        model_cat(&mc->reference, &len_ref, tv[j]->fa.labels[0], &failed);
                    }
                }
            }
            if (failed)
                return ONC_ERR_NOMEM;
            /* A main effect is its column or one indicator, exactly the
            ** products below (1 * x is x).  Indicators are converted, not
            ** branched on: levels in random order would defeat prediction. */
            if (term->order == 1 && !tv[0]->is_factor) {
                model_gather(b, b->df->cols[tv[0]->col].num, MODEL_EVENT_AS_IS, xc);
            } else if (term->order == 1) {
                const int32_t *code = tv[0]->fa.code, level = (int32_t)idx[0];
                for (i = 0; i < m->n; i++)
                    xc[i] = (double)(code[i] == level);
            } else {
                for (i = 0; i < m->n; i++) {
                    double v = 1.0;
                    for (j = 0; j < term->order; j++) {
                        if (tv[j]->is_factor)
                            v *= (double)((size_t)tv[j]->fa.code[i] == idx[j]);
                        else
                            v *= tv[j]->value[i];
                    }
                    xc[i] = v;
                }
            }
            for (j = 0; j < term->order; j++) {
                if (++idx[j] < hi[j])
                    break;
                idx[j] = lo[j];
            }
            if (j == term->order)
                break;
        }
    }
    return ONC_OK;
}

/* ------------------------------------------------------------------ */
/* The whole frame.                                                    */

void onc_model_free(onc_model *m)
{
    size_t k, j;

    if (m == NULL)
        return;
    free(m->row);
    free(m->time);
    free(m->time2);
    free(m->status);
    free(m->y_code);
    for (k = 0; m->y_levels != NULL && k < m->n_y_levels; k++)
        free(m->y_levels[k]);
    free(m->y_levels);
    free(m->y);
    free(m->x);
    for (k = 0; m->cols != NULL && k < m->p; k++) {
        free(m->cols[k].term);
        free(m->cols[k].variable);
        free(m->cols[k].level);
        free(m->cols[k].reference);
        free(m->cols[k].name);
    }
    free(m->cols);
    free(m->strata);
    for (k = 0; m->strata_labels != NULL && k < m->n_strata; k++)
        free(m->strata_labels[k]);
    free(m->strata_labels);
    free(m->cluster);
    free(m->offset);
    free(m->weights);
    free(m->group);
    for (k = 0; m->group_labels != NULL && k < m->n_groups; k++)
        free(m->group_labels[k]);
    free(m->group_labels);
    for (k = 0; m->group_values != NULL && k < m->n_groups; k++) {
        for (j = 0; m->group_values[k] != NULL && j < m->n_group_vars; j++)
            free(m->group_values[k][j]);
        free(m->group_values[k]);
    }
    free(m->group_values);
    for (k = 0; m->group_vars != NULL && k < m->n_group_vars; k++)
        free(m->group_vars[k]);
    free(m->group_vars);
    for (k = 0; k < m->n_dropped_levels; k++)
        free(m->dropped_levels[k]);
    free(m->dropped_levels);
    free(m);
}

/* Check that every column the formula names exists, first in the text first. */
static onc_status model_resolve(const model_build *b)
{
    const onc_formula *f = b->f;
    struct { const char *name; size_t offset; } *refs = NULL;
    size_t n = 0, cap = 0, k, j;
    const onc_expr *exprs[4];
    size_t n_exprs = 0;
    onc_status rc = ONC_OK;
    long idx;

    for (k = 0; k < f->n_response; k++)
        exprs[n_exprs++] = f->response[k];
    if (f->offset != NULL)
        exprs[n_exprs++] = f->offset;
    for (k = 0; k < f->n_terms; k++)
        cap += f->terms[k].order;
    cap += f->n_strata + 1;
    for (k = 0; k < n_exprs; k++)
        cap += onc_expr_n_columns(exprs[k]);
    refs = onc_mallocarray(cap, sizeof *refs);
    if (refs == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n_exprs; k++)
        for (j = 0; j < onc_expr_n_columns(exprs[k]); j++) {
            refs[n].name = onc_expr_column(exprs[k], j, &refs[n].offset);
            n++;
        }
    for (k = 0; k < f->n_terms; k++)
        for (j = 0; j < f->terms[k].order; j++) {
            refs[n].name = f->terms[k].vars[j].name;
            refs[n++].offset = f->terms[k].vars[j].offset;
        }
    for (k = 0; k < f->n_strata; k++) {
        refs[n].name = f->strata[k].name;
        refs[n++].offset = f->strata[k].offset;
    }
    if (f->cluster != NULL) {
        refs[n].name = f->cluster->name;
        refs[n++].offset = f->cluster->offset;
    }
    /* The first unknown column in the text is the one reported. */
    {
        size_t best = n;
        for (k = 0; k < n; k++)
            if (onc_frame_find(b->df, refs[k].name) < 0 &&
                (best == n || refs[k].offset < refs[best].offset))
                best = k;
        if (best < n)
            rc = onc_expr_find_column(b->df, refs[best].name, MODEL_LABEL, f->source,
                                      refs[best].offset, &idx, b->err);
    }
    free(refs);
    if (rc != ONC_OK)
        return rc;
    if (b->opt->weights != NULL) {
        rc = onc_expr_find_column(b->df, b->opt->weights, "weights", b->opt->weights, 0, &idx,
                                  b->err);
        if (rc != ONC_OK)
            return rc;
        if (b->df->cols[idx].type == ONC_COL_FACTOR || b->df->cols[idx].type == ONC_COL_DATE)
            return onc_error_set(b->err, ONC_ERR_USAGE, b->df->source, 0, 0,
                                 b->opt->weights, "weights must be numbers, not a %s",
                                 onc_coltype_name(b->df->cols[idx].type));
    }
    for (k = 0; k < b->opt->n_refs; k++) {
        const onc_ref_level *r = &b->opt->refs[k];
        if (r->variable == NULL || r->level == NULL)
            return onc_error_set(b->err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "reference level: variable and level are both needed");
        rc = onc_expr_find_column(b->df, r->variable, "reference level", r->variable, 0, &idx,
                                  b->err);
        if (rc != ONC_OK)
            return rc;
    }
    return ONC_OK;
}

/*
** Groups: the right-hand variables, crossed.  A variable the terms have
** coded as a factor is taken over from vars (the coding is the same), so
** it is not coded twice.
*/
static onc_status model_groups(model_build *b, model_var *vars, size_t n_vars)
{
    const onc_formula *f = b->f;
    onc_model *m = b->m;
    model_factor *fa = NULL;
    long *cols = NULL;
    size_t *offsets = NULL, n = 0, k, j, t, *level = NULL;
    onc_status rc = ONC_OK;

    cols = onc_mallocarray(n_vars, sizeof *cols);
    offsets = onc_mallocarray(n_vars, sizeof *offsets);
    fa = onc_callocarray(n_vars, sizeof *fa);
    if (cols == NULL || offsets == NULL || fa == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    /* Distinct columns in order of first appearance in the formula. */
    for (t = 0; t < f->n_terms; t++) {
        for (j = 0; j < f->terms[t].order; j++) {
            const onc_formula_variable *fv = &f->terms[t].vars[j];
            long c = onc_frame_find(b->df, fv->name);
            int factor = vars[model_var_index(vars, n_vars, c, fv->as_factor)].is_factor;
            for (k = 0; k < n && cols[k] != c; k++)
                ;
            if (k < n) {
                if (fv->offset < offsets[k])
                    offsets[k] = fv->offset;
                continue;
            }
            if (!factor && !b->opt->group_numeric_by_value)
                continue;
            for (k = n; k > 0 && offsets[k - 1] > fv->offset; k--) {
                cols[k] = cols[k - 1];
                offsets[k] = offsets[k - 1];
            }
            cols[k] = c;
            offsets[k] = fv->offset;
            n++;
        }
    }
    m->group_vars = onc_callocarray(n, sizeof *m->group_vars);
    if (m->group_vars == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < n; k++) {
        m->group_vars[k] = onc_strdup(b->df->cols[cols[k]].name);
        if (m->group_vars[k] == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        m->n_group_vars = k + 1;
        for (j = 0; j < n_vars && !(vars[j].col == cols[k] && vars[j].fa.code != NULL); j++)
            ;
        if (j < n_vars) {
            fa[k] = vars[j].fa;
            memset(&vars[j].fa, 0, sizeof vars[j].fa);
            continue;
        }
        rc = model_factorize(b, cols[k], 1, 0, &fa[k]);
        if (rc != ONC_OK)
            goto cleanup;
    }
    rc = model_cross(b, fa, n, &m->group, &m->n_groups, &level);
    if (rc == ONC_OK)
        rc = model_cross_labels(fa, m->group_vars, n, level, m->n_groups, &m->group_labels,
                                &m->group_values);
cleanup:
    for (k = 0; fa != NULL && k < n_vars; k++)
        model_factor_release(&fa[k]);
    free(fa);
    free(cols);
    free(offsets);
    free(level);
    return rc;
}

static onc_status model_strata(model_build *b)
{
    const onc_formula *f = b->f;
    onc_model *m = b->m;
    model_factor *fa = onc_callocarray(f->n_strata, sizeof *fa);
    char **names = onc_callocarray(f->n_strata, sizeof *names);
    size_t k, *level = NULL;
    onc_status rc = ONC_OK;

    if (fa == NULL || names == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < f->n_strata; k++) {
        names[k] = f->strata[k].name;
        rc = model_factorize(b, onc_frame_find(b->df, f->strata[k].name), 1, 0, &fa[k]);
        if (rc != ONC_OK)
            goto cleanup;
    }
    rc = model_cross(b, fa, f->n_strata, &m->strata, &m->n_strata, &level);
    if (rc == ONC_OK)
        rc = model_cross_labels(fa, names, f->n_strata, level, m->n_strata, &m->strata_labels,
                                NULL);
cleanup:
    for (k = 0; fa != NULL && k < f->n_strata; k++)
        model_factor_release(&fa[k]);
    free(fa);
    free(names);
    free(level);
    return rc;
}

/* The response, the offset and the weights, evaluated on every row. */
static onc_status model_response(model_build *b)
{
    const onc_formula *f = b->f;
    const onc_frame *df = b->df;
    onc_status rc = ONC_OK;
    size_t k, i;

    if (f->kind == ONC_RESPONSE_SURV || f->kind == ONC_RESPONSE_COUNTING) {
        size_t n_times = f->kind == ONC_RESPONSE_COUNTING ? 2 : 1;
        for (k = 0; k < n_times && rc == ONC_OK; k++)
            rc = model_values(b, f->response[k], &b->resp[k], &b->resp_owned[k]);
        if (rc == ONC_OK && f->n_response > n_times)
            rc = model_event(b, f->response[n_times], &b->resp[n_times],
                             &b->resp_owned[n_times]);
        else if (rc == ONC_OK)
            b->m->event_coding = ONC_EVENT_ALL;
        if (rc == ONC_OK)
            rc = model_check_times(b, b->resp[0], n_times == 2 ? b->resp[1] : NULL);
    } else if (f->kind == ONC_RESPONSE_VALUE) {
        const char *bare = onc_expr_bare_column(f->response[0]);
        long c = bare != NULL ? onc_frame_find(df, bare) : -1;
        /* A factor response keeps its levels (multinomial, logistic). */
        if (c >= 0 && df->cols[c].type == ONC_COL_FACTOR)
            b->y_factor_col = c;
        else
            rc = model_values(b, f->response[0], &b->resp[0], &b->resp_owned[0]);
    }
    if (rc == ONC_OK && f->offset != NULL)
        rc = model_values(b, f->offset, &b->offset_all, &b->offset_owned);
    if (rc != ONC_OK || b->weights_col < 0)
        return rc;
    for (i = 0; i < df->n_rows; i++) {
        const onc_column *w = &df->cols[b->weights_col];
        double x = w->num[i];
        if (!isnan(x) && (!isfinite(x) || x < 0))
            return onc_error_set(b->err, ONC_ERR_DATA, df->source, i + 1, 0, w->name,
                                 "weight %g is %s (weights must be finite and >= 0)", x,
                                 x < 0 ? "negative" : "not finite");
    }
    return ONC_OK;
}

/* An expression, or the plain column it consists of, as a missing-value item. */
static onc_status model_add_expr_item(const model_build *b, model_item **items, size_t *n,
                                      const onc_expr *e, const double *values)
{
    const char *bare = onc_expr_bare_column(e);

    if (bare != NULL)
        return model_add_item(items, n, onc_expr_offset(e), onc_frame_find(b->df, bare), NULL,
                              NULL, b->df);
    return model_add_item(items, n, onc_expr_offset(e), -1, e, values, b->df);
}

/*
** Decide the rows used (m->row, m->n, b->all_rows) and record why the
** others are not.  Each variable is scanned once for missing values; the
** ledger sees only the rows that have one.
*/
static onc_status model_select_rows(model_build *b, onc_exclusions *excluded)
{
    const onc_formula *f = b->f;
    const onc_frame *df = b->df;
    onc_model *m = b->m;
    model_item *items = NULL;
    unsigned char *missing = NULL;
    size_t n_items = 0, k, j, i, n_used = 0, first_missing;
    onc_status rc = ONC_OK;

    for (k = 0; k < f->n_response && rc == ONC_OK; k++)
        rc = model_add_expr_item(b, &items, &n_items, f->response[k], b->resp[k]);
    for (k = 0; k < f->n_terms && rc == ONC_OK; k++)
        for (j = 0; j < f->terms[k].order && rc == ONC_OK; j++)
            rc = model_add_item(&items, &n_items, f->terms[k].vars[j].offset,
                                onc_frame_find(df, f->terms[k].vars[j].name), NULL, NULL, df);
    for (k = 0; k < f->n_strata && rc == ONC_OK; k++)
        rc = model_add_item(&items, &n_items, f->strata[k].offset,
                            onc_frame_find(df, f->strata[k].name), NULL, NULL, df);
    if (f->cluster != NULL && rc == ONC_OK)
        rc = model_add_item(&items, &n_items, f->cluster->offset,
                            onc_frame_find(df, f->cluster->name), NULL, NULL, df);
    if (f->offset != NULL && rc == ONC_OK)
        rc = model_add_expr_item(b, &items, &n_items, f->offset, b->offset_all);
    if (rc != ONC_OK)
        goto cleanup;
    /* Formula order; the weights come last. */
    if (n_items > 1)
        qsort(items, n_items, sizeof *items, model_cmp_item);
    if (b->weights_col >= 0) {
        rc = model_add_item(&items, &n_items, (size_t)-1, b->weights_col, NULL, NULL, df);
        if (rc != ONC_OK)
            goto cleanup;
    }
    for (first_missing = 0; first_missing < n_items; first_missing++)
        if (model_item_any_missing(&items[first_missing], df))
            break;
    if (first_missing == n_items) {
        b->all_rows = 1;
        n_used = df->n_rows;
        m->row = onc_mallocarray(n_used, sizeof *m->row);
        if (m->row == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (i = 0; i < n_used; i++)
            m->row[i] = i + 1;
    } else {
        /* The items before first_missing have none: no row is left out for
        ** them, and the reasons need not look at them. */
        size_t n_missing = 0;
        missing = onc_callocarray(df->n_rows, sizeof *missing);
        if (missing == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (k = first_missing; k < n_items; k++)
            n_missing = model_item_mark_missing(&items[k], df, missing);
        n_used = df->n_rows - n_missing;
        m->row = onc_mallocarray(n_used, sizeof *m->row);
        if (m->row == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (i = 0, j = 0; i < df->n_rows; i++) {
            if (!missing[i]) {
                m->row[j++] = i + 1;
            } else if (excluded != NULL) {
                const char *why = model_row_reason(items + first_missing,
                                                   n_items - first_missing, df, i);
                rc = onc_exclusions_add(excluded, why, i + 1);
                if (rc != ONC_OK)
                    goto cleanup;
            }
        }
    }
    m->n = n_used;
    if (n_used == 0)
        rc = onc_error_set(b->err, ONC_ERR_DATA, df->source, 0, 0, NULL,
                           "no rows left for '%s': %zu of %zu rows have a missing value%s%s",
                           f->text, df->n_rows, df->n_rows,
                           excluded != NULL && excluded->n_reasons > 0 ? ", e.g. " : "",
                           excluded != NULL && excluded->n_reasons > 0 ?
                           excluded->reasons[0].reason : "");
cleanup:
    free(missing);
    model_items_release(items, n_items);
    return rc;
}

/* Response, offset and weights of the used rows. */
static onc_status model_outcomes(model_build *b)
{
    const onc_formula *f = b->f;
    onc_model *m = b->m;
    size_t i;

    if (f->kind == ONC_RESPONSE_SURV || f->kind == ONC_RESPONSE_COUNTING) {
        size_t n_times = f->kind == ONC_RESPONSE_COUNTING ? 2 : 1;
        m->time = model_take(b, b->resp[0], MODEL_EVENT_AS_IS);
        if (n_times == 2 && (m->time2 = model_take(b, b->resp[1], MODEL_EVENT_AS_IS)) == NULL)
            return ONC_ERR_NOMEM;
        if (f->n_response > n_times) {
            m->status = model_take(b, b->resp[n_times], b->event_map);
        } else {
            m->status = onc_mallocarray(m->n, sizeof *m->status);
            for (i = 0; m->status != NULL && i < m->n; i++)
                m->status[i] = 1.0;
        }
        if (m->time == NULL || m->status == NULL)
            return ONC_ERR_NOMEM;
    } else if (f->kind == ONC_RESPONSE_VALUE && b->y_factor_col >= 0) {
        model_factor yf;
        onc_status rc = model_factorize(b, b->y_factor_col, 1, 1, &yf);
        if (rc != ONC_OK)
            return rc;
        m->y_code = yf.code;
        m->y_levels = yf.labels;
        m->n_y_levels = yf.n_levels;
    } else if (f->kind == ONC_RESPONSE_VALUE &&
               (m->y = model_take(b, b->resp[0], MODEL_EVENT_AS_IS)) == NULL) {
        return ONC_ERR_NOMEM;
    }
    if (b->offset_all != NULL &&
        (m->offset = model_take(b, b->offset_all, MODEL_EVENT_AS_IS)) == NULL)
        return ONC_ERR_NOMEM;
    if (b->weights_col >= 0 &&
        (m->weights = model_take(b, b->df->cols[b->weights_col].num, MODEL_EVENT_AS_IS)) == NULL)
        return ONC_ERR_NOMEM;
    return ONC_OK;
}

/*
** The distinct variables of the terms, coded on the used rows.  Factors
** are coded even without the design matrix: that checks reference levels,
** finds dropped levels and gives the groups their coding.  A numeric
** variable's values are needed only to multiply it into an interaction
** column; main-effect columns are filled from the frame directly.
*/
static onc_status model_term_vars(model_build *b, model_var **vars_out, size_t *n_out)
{
    const onc_formula *f = b->f;
    const onc_frame *df = b->df;
    model_var *vars;
    size_t n_vars = 0, k, j;

    for (k = 0; k < f->n_terms; k++)
        n_vars += f->terms[k].order;
    *vars_out = vars = onc_callocarray(n_vars, sizeof *vars);
    *n_out = 0;
    if (vars == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < f->n_terms; k++) {
        for (j = 0; j < f->terms[k].order; j++) {
            const onc_formula_variable *fv = &f->terms[k].vars[j];
            long c = onc_frame_find(df, fv->name);
            model_var *v;
            onc_status rc;
            if (model_var_index(vars, *n_out, c, fv->as_factor) < *n_out)
                continue;
            v = &vars[(*n_out)++];
            v->col = c;
            v->as_factor = fv->as_factor;
            v->is_factor = fv->as_factor || df->cols[c].type == ONC_COL_FACTOR ||
                           df->cols[c].type == ONC_COL_LOGICAL;
            if (v->is_factor) {
                rc = model_factorize(b, c, 1, 1, &v->fa);
                if (rc != ONC_OK)
                    return rc;
            }
        }
    }
    if (!(b->parts & ONC_MODEL_DESIGN))
        return ONC_OK;
    for (k = 0; k < f->n_terms; k++) {
        if (f->terms[k].order < 2)
            continue;
        for (j = 0; j < f->terms[k].order; j++) {
            const onc_formula_variable *fv = &f->terms[k].vars[j];
            model_var *v = &vars[model_var_index(vars, *n_out, onc_frame_find(df, fv->name),
                                                 fv->as_factor)];
            if (v->is_factor || v->value != NULL)
                continue;
            if (b->all_rows) {
                v->value = df->cols[v->col].num;
                continue;
            }
            v->value = v->value_owned = model_take(b, df->cols[v->col].num, MODEL_EVENT_AS_IS);
            if (v->value == NULL)
                return ONC_ERR_NOMEM;
        }
    }
    return ONC_OK;
}

onc_status onc_model_build_parts(const onc_frame *df, const onc_formula *f,
                                 const onc_model_options *opt, unsigned parts,
                                 onc_model **out, onc_exclusions *excluded,
                                 onc_error *err)
{
    static const onc_model_options defaults = { NULL, NULL, 0, 0 };
    model_build b;
    model_var *vars = NULL;
    size_t n_vars = 0, k;
    onc_status rc;

    if (out != NULL)
        *out = NULL;
    if (excluded != NULL)
        onc_exclusions_init(excluded, df != NULL ? df->n_rows : 0);
    if (df == NULL || f == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_model_build: missing frame, formula or result");
    if ((parts & ~(unsigned)ONC_MODEL_ALL) != 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_model_build_parts: unknown parts 0x%x", parts);
    if (df->n_rows > INT32_MAX)
        return onc_error_set(err, ONC_ERR_LIMIT, df->source, 0, 0, NULL,
                             "%zu rows: models take at most %d", df->n_rows, INT32_MAX);
    memset(&b, 0, sizeof b);
    b.df = df;
    b.f = f;
    b.opt = opt != NULL ? opt : &defaults;
    b.parts = parts;
    b.err = err;
    b.weights_col = -1;
    b.y_factor_col = -1;
    b.m = calloc(1, sizeof *b.m);
    if (b.m == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "model frame: out of memory");
    b.m->kind = f->kind;

    rc = model_resolve(&b);
    if (rc == ONC_OK && b.opt->weights != NULL)
        b.weights_col = onc_frame_find(df, b.opt->weights);
    if (rc == ONC_OK)
        rc = model_response(&b);
    if (rc == ONC_OK)
        rc = model_select_rows(&b, excluded);
    if (rc == ONC_OK)
        rc = model_outcomes(&b);
    if (rc == ONC_OK)
        rc = model_term_vars(&b, &vars, &n_vars);
    if (rc == ONC_OK && (parts & ONC_MODEL_DESIGN))
        rc = model_design(&b, vars, n_vars);
    if (rc == ONC_OK && f->n_strata > 0)
        rc = model_strata(&b);
    if (rc == ONC_OK && f->cluster != NULL) {
        model_factor cf;
        rc = model_factorize(&b, onc_frame_find(df, f->cluster->name), 0, 0, &cf);
        if (rc == ONC_OK) {
            b.m->cluster = cf.code;
            b.m->n_clusters = cf.n_levels;
        }
    }
    if (rc == ONC_OK && (parts & ONC_MODEL_GROUPS))
        rc = model_groups(&b, vars, n_vars);

    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, NULL, 0, 0, NULL, "model frame: out of memory");
    for (k = 0; k < 3; k++)
        free(b.resp_owned[k]);
    free(b.offset_owned);
    for (k = 0; vars != NULL && k < n_vars; k++) {
        model_factor_release(&vars[k].fa);
        free(vars[k].value_owned);
    }
    free(vars);
    if (rc != ONC_OK) {
        onc_model_free(b.m);
        return rc;
    }
    *out = b.m;
    return ONC_OK;
}

onc_status onc_model_build(const onc_frame *df, const onc_formula *f,
                           const onc_model_options *opt, onc_model **out,
                           onc_exclusions *excluded, onc_error *err)
{
    return onc_model_build_parts(df, f, opt, ONC_MODEL_ALL, out, excluded, err);
}
