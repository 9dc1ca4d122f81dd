/*
** stats/cox_bootstrap.c -- nonparametric bootstrap of Cox model
** coefficients: percentile confidence limits of the hazard ratios and
** bootstrap standard errors.
**
** Method: Efron and Tibshirani, An Introduction to the Bootstrap (1993),
** ch. 6 and 13 (case resampling, percentile interval); for clustered data
** (several rows per patient: start-stop intervals, recurrent events) whole
** clusters are resampled (Davison and Hinkley 1997, sec. 3.8), so that the
** dependence within a patient is kept.
**
** Inputs: the data and options of onc_cox_fit_model (n rows, p columns);
** replicates B >= 1; a 64-bit seed; a thread count.
** Outputs: onc_cox_bootstrap_result -- B x p replicate coefficients, and per
** coefficient the standard deviation of the finite replicate values and the
** type-7 quantiles (R quantile()) at (1 -/+ conf_level) / 2 on the
** hazard-ratio scale.
** Preconditions: the data fit (checked by fitting them once first).
** NaN policy: a replicate that cannot be fitted (no event drawn, say) is
** counted in n_failed and contributes NaN; an aliased coefficient is NaN in
** that replicate; NaN values are left out of the summaries, and n_valid
** says how many remained.
**
** Reproducibility: replicate r owns a generator seeded from (seed, r), so
** the draws do not depend on which thread runs the replicate; replicates
** are assigned to threads round-robin and each writes only its own row of
** the result.
*/
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "core/internal.h"
#include "oncostat/cox.h"
#include "stats/cox_internal.h"

#define COX_BOOT_MAX_THREADS 64

/* splitmix64 finaliser (Steele, Lea and Flood 2014): a bijective mix, so
** distinct (seed, replicate) pairs give well-spread generator seeds. */
static uint64_t cox_boot_mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static unsigned long cox_boot_seed(uint64_t seed, size_t replicate)
{
    /* mt19937 keeps the low 32 bits of its seed */
    return (unsigned long)(cox_boot_mix(seed ^ cox_boot_mix((uint64_t)replicate)) &
                           0xFFFFFFFFu);
}

/* Draw n_units indices with gen, which was seeded for the replicate. */
static void cox_boot_fill(gsl_rng *gen, size_t n_units, size_t *draw)
{
    size_t k;

    for (k = 0; k < n_units; k++)
        draw[k] = (size_t)gsl_rng_uniform_int(gen, (unsigned long)n_units);
}

onc_status onc_cox_bootstrap_draw(uint64_t seed, size_t replicate,
                                  size_t n_units, size_t *draw)
{
    gsl_rng *gen = gsl_rng_alloc(gsl_rng_mt19937);

    if (gen == NULL)
        return ONC_ERR_NOMEM;
    gsl_rng_set(gen, cox_boot_seed(seed, replicate));
    cox_boot_fill(gen, n_units, draw);
    gsl_rng_free(gen);
    return ONC_OK;
}

void onc_cox_bootstrap_free(onc_cox_bootstrap_result *res)
{
    if (res == NULL)
        return;
    free(res->coef);
    free(res->n_valid);
    free(res->se);
    free(res->lower);
    free(res->upper);
    free(res);
}

/* What every worker reads (shared, never written) and the result rows it
** writes (one per replicate, disjoint between workers). */
typedef struct cox_boot_shared {
    const onc_cox_data *d;
    onc_cox_options opt;
    size_t replicates;
    uint64_t seed;
    size_t n_units;
    const size_t *unit_start;  /* n_units + 1 offsets into unit_rows */
    const size_t *unit_rows;   /* rows of each unit (clusters), or NULL */
    size_t n_workers;
    onc_cox_bootstrap_result *res;
    int *outcome;              /* per replicate: 1 = failed; otherwise
                                  flags 2 = not converged, 4 = monotone */
} cox_boot_shared;

typedef struct cox_boot_worker {
    const cox_boot_shared *sh;
    size_t index;
    onc_status status;         /* ONC_OK, or a failure that stops the run */
    onc_error err;
} cox_boot_worker;

/* Scratch space of one worker, grown as replicates need. */
typedef struct cox_boot_scratch {
    size_t cap;
    double *x, *start, *stop, *status, *weights, *offset;
    int32_t *strata;
    size_t *draw;
} cox_boot_scratch;

static void cox_boot_scratch_free(cox_boot_scratch *s)
{
    free(s->x);
    free(s->start);
    free(s->stop);
    free(s->status);
    free(s->weights);
    free(s->offset);
    free(s->strata);
    free(s->draw);
}

static int cox_boot_grow(cox_boot_scratch *s, const onc_cox_data *d, size_t m)
{
    size_t cap, np;
    void *t;

    if (m <= s->cap)
        return 0;
    cap = m < 64 ? 64 : m;
    if (d->p > 0) {
        if (onc_mul_overflow(cap, d->p, &np))
            return -1;
        if ((t = onc_reallocarray(s->x, np, sizeof *s->x)) == NULL)
            return -1;
        s->x = t;
    }
#define COX_BOOT_GROW(field, present)                                          \
    if (present) {                                                             \
        if ((t = onc_reallocarray(s->field, cap, sizeof *s->field)) == NULL)   \
            return -1;                                                         \
        s->field = t;                                                          \
    }
    COX_BOOT_GROW(start, d->start != NULL)
    COX_BOOT_GROW(stop, 1)
    COX_BOOT_GROW(status, 1)
    COX_BOOT_GROW(weights, d->weights != NULL)
    COX_BOOT_GROW(offset, d->offset != NULL)
    COX_BOOT_GROW(strata, d->strata != NULL)
#undef COX_BOOT_GROW
    s->cap = cap;
    return 0;
}

/* Copy row r of d into position k of the m-row resample. */
static void cox_boot_copy_row(const onc_cox_data *d, cox_boot_scratch *s,
                              size_t r, size_t k)
{
    if (d->start)
        s->start[k] = d->start[r];
    s->stop[k] = d->stop[r];
    s->status[k] = d->status[r];
    if (d->weights)
        s->weights[k] = d->weights[r];
    if (d->offset)
        s->offset[k] = d->offset[r];
    if (d->strata)
        s->strata[k] = d->strata[r];
}

/* Build and fit replicate `rep`; records its coefficients and outcome.
** Returns ONC_OK, or ONC_ERR_NOMEM, which stops the run. */
static onc_status cox_boot_replicate(const cox_boot_shared *sh, gsl_rng *gen,
                                     cox_boot_scratch *s, size_t rep)
{
    const onc_cox_data *d = sh->d;
    onc_cox_bootstrap_result *res = sh->res;
    onc_cox_data rd;
    onc_cox_fit *fit = NULL;
    onc_error ferr;
    onc_status st;
    size_t m = 0, k, q, j, p = d->p;

    gsl_rng_set(gen, cox_boot_seed(sh->seed, rep));
    cox_boot_fill(gen, sh->n_units, s->draw);
    if (sh->unit_rows == NULL) {
        m = sh->n_units;
    } else {
        for (k = 0; k < sh->n_units; k++) {
            size_t u = s->draw[k];
            m += sh->unit_start[u + 1] - sh->unit_start[u];
        }
    }
    if (cox_boot_grow(s, d, m) != 0)
        return ONC_ERR_NOMEM;
    q = 0;
    for (k = 0; k < sh->n_units; k++) {
        size_t u = s->draw[k], a, b;
        if (sh->unit_rows == NULL) {
            a = u;
            b = u + 1;
        } else {
            a = sh->unit_start[u];
            b = sh->unit_start[u + 1];
        }
        for (; a < b; a++, q++) {
            size_t r = sh->unit_rows ? sh->unit_rows[a] : a;
            cox_boot_copy_row(d, s, r, q);
            for (j = 0; j < p; j++)
                s->x[j * m + q] = d->x[j * d->n + r];
        }
    }
    memset(&rd, 0, sizeof rd);
    rd.n = m;
    rd.p = p;
    rd.x = p > 0 ? s->x : NULL;
    rd.start = d->start ? s->start : NULL;
    rd.stop = s->stop;
    rd.status = s->status;
    rd.weights = d->weights ? s->weights : NULL;
    rd.offset = d->offset ? s->offset : NULL;
    rd.strata = d->strata ? s->strata : NULL;
    rd.cluster = NULL;

    onc_error_clear(&ferr);
    st = cox_fit_model_threads(&rd, &sh->opt, 1, &fit, &ferr);
    if (st == ONC_ERR_NOMEM)
        return st;
    if (st != ONC_OK) {
        sh->outcome[rep] = 1;
        for (j = 0; j < p; j++)
            res->coef[j * sh->replicates + rep] = NAN;
        return ONC_OK;
    }
    sh->outcome[rep] = (fit->converged ? 0 : 2) | (fit->monotone ? 4 : 0);
    for (j = 0; j < p; j++)
        res->coef[j * sh->replicates + rep] = fit->coef[j];
    onc_cox_fit_free(fit);
    return ONC_OK;
}

static void *cox_boot_run(void *arg)
{
    cox_boot_worker *w = arg;
    const cox_boot_shared *sh = w->sh;
    cox_boot_scratch s;
    gsl_rng *gen = gsl_rng_alloc(gsl_rng_mt19937);
    size_t rep;

    memset(&s, 0, sizeof s);
    w->status = ONC_OK;
    s.draw = onc_mallocarray(sh->n_units, sizeof *s.draw);
    if (gen == NULL || s.draw == NULL) {
        w->status = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (rep = w->index; rep < sh->replicates; rep += sh->n_workers) {
        w->status = cox_boot_replicate(sh, gen, &s, rep);
        if (w->status != ONC_OK)
            break;
    }
cleanup:
    if (gen != NULL)
        gsl_rng_free(gen);
    cox_boot_scratch_free(&s);
    return NULL;
}

static int cox_boot_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R quantile(type = 7) of sorted v[0..m). */
static double cox_boot_quantile(const double *v, size_t m, double prob)
{
    double h = (double)(m - 1) * prob, lo = floor(h);
    size_t i = (size_t)lo;

    if (i + 1 >= m)
        return v[m - 1];
    return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* Per-coefficient summaries of the replicate matrix. */
static onc_status cox_boot_summarise(onc_cox_bootstrap_result *res)
{
    size_t B = res->replicates, j, r;
    double *v = onc_mallocarray(B, sizeof *v);
    double alpha = (1 - res->conf_level) / 2;

    if (v == NULL)
        return ONC_ERR_NOMEM;
    for (j = 0; j < res->p; j++) {
        size_t m = 0;
        double mean = 0, ss = 0;
        for (r = 0; r < B; r++) {
            double c = res->coef[j * B + r];
            if (isfinite(c))
                v[m++] = c;
        }
        res->n_valid[j] = m;
        if (m == 0) {
            res->se[j] = res->lower[j] = res->upper[j] = NAN;
            continue;
        }
        for (r = 0; r < m; r++)
            mean += v[r];
        mean /= (double)m;
        for (r = 0; r < m; r++)
            ss += (v[r] - mean) * (v[r] - mean);
        res->se[j] = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
        qsort(v, m, sizeof *v, cox_boot_cmp);
        res->lower[j] = exp(cox_boot_quantile(v, m, alpha));
        res->upper[j] = exp(cox_boot_quantile(v, m, 1 - alpha));
    }
    free(v);
    return ONC_OK;
}

/* Clusters as units: dense index in ascending label order and the rows of
** each, in row order. */
static onc_status cox_boot_units(const onc_cox_data *d, size_t *n_units,
                                 size_t **start_out, size_t **rows_out)
{
    size_t n = d->n, i, c = 0;
    size_t *ord = onc_mallocarray(n, sizeof *ord);
    size_t *code = onc_mallocarray(n, sizeof *code);
    size_t *start = NULL, *rows = NULL;
    onc_status st = ONC_ERR_NOMEM;

    if (ord == NULL || code == NULL)
        goto cleanup;
    st = cox_radix_order_int(d->cluster, n, ord, 0);
    if (st != ONC_OK)
        goto cleanup;
    for (i = 0; i < n; i++) {
        if (i > 0 && d->cluster[ord[i]] != d->cluster[ord[i - 1]])
            c++;
        code[ord[i]] = c;
    }
    st = ONC_ERR_NOMEM;
    start = onc_callocarray(c + 2, sizeof *start);
    rows = onc_mallocarray(n, sizeof *rows);
    if (start == NULL || rows == NULL)
        goto cleanup;
    for (i = 0; i < n; i++)
        start[code[i] + 1]++;
    for (i = 0; i <= c; i++)
        start[i + 1] += start[i];
    /* ord lists rows by cluster, and stably by row within a cluster */
    for (i = 0; i < n; i++)
        rows[i] = ord[i];
    *n_units = c + 1;
    *start_out = start;
    *rows_out = rows;
    start = rows = NULL;
    st = ONC_OK;
cleanup:
    free(ord);
    free(code);
    free(start);
    free(rows);
    return st;
}

onc_status onc_cox_bootstrap(const onc_cox_data *d, const onc_cox_options *opt,
                             size_t replicates, uint64_t seed, int n_threads,
                             onc_cox_bootstrap_result **out, onc_error *err)
{
    cox_boot_shared sh;
    cox_boot_worker *workers = NULL;
    pthread_t *threads = NULL;
    int *started = NULL;
    onc_cox_bootstrap_result *res = NULL;
    onc_cox_fit *check = NULL;
    size_t *unit_start = NULL, *unit_rows = NULL, nw, t, r, np;
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "bootstrap: no output pointer");
    *out = NULL;
    if (d == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "bootstrap: no data");
    if (replicates == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "bootstrap: at least one replicate is needed");
    if (replicates > ONC_COX_MAX_BOOTSTRAP)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "bootstrap: %zu replicates exceed the limit of %d",
                             replicates, ONC_COX_MAX_BOOTSTRAP);
    if (n_threads < 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "bootstrap: the thread count must be >= 0");

    memset(&sh, 0, sizeof sh);
    if (opt == NULL)
        onc_cox_options_init(&sh.opt);
    else
        sh.opt = *opt;
    /* only the coefficients are kept */
    sh.opt.concordance = 0;
    sh.opt.robust = ONC_ROBUST_OFF;

    /* the data and options must fit before anything is resampled; this
    ** also reports invalid rows with their numbers */
    st = cox_fit_model_threads(d, &sh.opt, n_threads, &check, err);
    if (st != ONC_OK)
        return st;
    onc_cox_fit_free(check);

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto nomem;
    res->replicates = replicates;
    res->p = d->p;
    res->seed = seed;
    res->conf_level = sh.opt.conf_level;
    res->by_cluster = d->cluster != NULL;
    if (onc_mul_overflow(replicates, d->p ? d->p : 1, &np))
        goto nomem;
    res->coef = onc_mallocarray(np, sizeof *res->coef);
    res->n_valid = onc_callocarray(d->p ? d->p : 1, sizeof *res->n_valid);
    res->se = onc_mallocarray(d->p ? d->p : 1, sizeof *res->se);
    res->lower = onc_mallocarray(d->p ? d->p : 1, sizeof *res->lower);
    res->upper = onc_mallocarray(d->p ? d->p : 1, sizeof *res->upper);
    sh.outcome = onc_callocarray(replicates, sizeof *sh.outcome);
    if (res->coef == NULL || res->n_valid == NULL || res->se == NULL ||
        res->lower == NULL || res->upper == NULL || sh.outcome == NULL)
        goto nomem;

    if (d->cluster != NULL) {
        st = cox_boot_units(d, &res->n_units, &unit_start, &unit_rows);
        if (st != ONC_OK)
            goto nomem;
    } else {
        res->n_units = d->n;
    }
    if ((uint64_t)res->n_units > 0xFFFFFFFFu) {
        st = onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                           "bootstrap: %zu units exceed the generator's range",
                           res->n_units);
        goto cleanup;
    }
    sh.d = d;
    sh.replicates = replicates;
    sh.seed = seed;
    sh.n_units = res->n_units;
    sh.unit_start = unit_start;
    sh.unit_rows = unit_rows;
    sh.res = res;

    if (n_threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = online > 0 ? (int)(online < COX_BOOT_MAX_THREADS
                                           ? online : COX_BOOT_MAX_THREADS)
                               : 1;
    }
    if (n_threads > COX_BOOT_MAX_THREADS)
        n_threads = COX_BOOT_MAX_THREADS;
    nw = (size_t)n_threads < replicates ? (size_t)n_threads : replicates;
    sh.n_workers = nw;
    workers = onc_callocarray(nw, sizeof *workers);
    threads = onc_callocarray(nw, sizeof *threads);
    started = onc_callocarray(nw, sizeof *started);
    if (workers == NULL || threads == NULL || started == NULL)
        goto nomem;
    for (t = 0; t < nw; t++) {
        workers[t].sh = &sh;
        workers[t].index = t;
    }
    /* worker 0 runs in this thread; a worker whose thread cannot be
    ** started runs here too, after it */
    for (t = 1; t < nw; t++)
        started[t] = pthread_create(&threads[t], NULL, cox_boot_run,
                                    &workers[t]) == 0;
    cox_boot_run(&workers[0]);
    for (t = 1; t < nw; t++) {
        if (started[t])
            pthread_join(threads[t], NULL);
        else
            cox_boot_run(&workers[t]);
    }
    for (t = 0; t < nw; t++)
        if (workers[t].status != ONC_OK)
            goto nomem;

    for (r = 0; r < replicates; r++) {
        if (sh.outcome[r] == 1)
            res->n_failed++;
        if (sh.outcome[r] & 2)
            res->n_not_converged++;
        if (sh.outcome[r] & 4)
            res->n_monotone++;
    }
    if (cox_boot_summarise(res) != ONC_OK)
        goto nomem;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "bootstrap: out of memory (%zu rows, %zu replicates)",
                       d->n, replicates);
cleanup:
    free(workers);
    free(threads);
    free(started);
    free(unit_start);
    free(unit_rows);
    free(sh.outcome);
    if (st == ONC_OK)
        *out = res;
    else
        onc_cox_bootstrap_free(res);
    return st;
}
