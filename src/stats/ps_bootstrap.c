/*
** ps_bootstrap.c -- bootstrap of a propensity-score survival analysis,
** propensity model included, on several threads.
**
** Reproducibility: replicate b draws its patients from a Mersenne Twister
** (GSL's gsl_rng_mt19937) seeded with
**     (high 32 bits of splitmix64(seed)) + (b + 1) * 0x9E3779B9  (mod 2^32),
** a one-to-one map of b for a given seed, so that no two replicates of a
** run share a stream and each replicate's estimate depends on (seed, b)
** only -- not on which thread computes it, nor on how many threads run.
** The golden-ratio step spreads consecutive replicates over the seed space
** (MT19937's own initialisation then decorrelates nearby seeds).
**
** Work sharing: threads take the next replicate index from a counter under
** a mutex; results are stored at the replicate's index.
*/
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "core/internal.h"
#include "oncostat/ps_outcome.h"

void onc_ps_bootstrap_options_init(onc_ps_bootstrap_options *opt)
{
    if (opt == NULL)
        return;
    opt->replicates = 1000;
    opt->seed = 1;
    opt->threads = 0;
}

void onc_ps_bootstrap_free(onc_ps_bootstrap *boot)
{
    if (boot == NULL)
        return;
    free(boot->log_hr);
    free(boot->surv);
    free(boot->log_hr_n);
    free(boot->log_hr_se);
    free(boot->hr_lower);
    free(boot->hr_upper);
    free(boot->surv_n);
    free(boot->surv_se);
    free(boot->surv_lower);
    free(boot->surv_upper);
    free(boot);
}

/* splitmix64's output function (Steele, Lea & Flood 2014). */
static uint64_t boot_mix(uint64_t z)
{
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned long boot_stream_seed(uint64_t seed, size_t b)
{
    uint32_t base = (uint32_t)(boot_mix(seed) >> 32);

    return (unsigned long)(uint32_t)(base + (uint32_t)(b + 1) * UINT32_C(0x9E3779B9));
}

/*
** A generator whose state we allocate ourselves: gsl_rng_alloc reports an
** allocation failure through gsl_error(), whose default handler aborts.
*/
typedef struct boot_rng {
    gsl_rng rng;
} boot_rng;

static int boot_rng_init(boot_rng *r)
{
    r->rng.type = gsl_rng_mt19937;
    r->rng.state = calloc(1, gsl_rng_mt19937->size);
    return r->rng.state == NULL ? -1 : 0;
}

static void boot_rng_free(boot_rng *r)
{
    free(r->rng.state);
    r->rng.state = NULL;
}

static void boot_draw(gsl_rng *r, uint64_t seed, size_t b, size_t n, size_t *idx)
{
    size_t i;

    gsl_rng_set(r, boot_stream_seed(seed, b));
    /* n <= UINT32_MAX, within the generator's range: no GSL error. */
    for (i = 0; i < n; i++)
        idx[i] = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
}

onc_status onc_ps_bootstrap_sample(uint64_t seed, size_t b, size_t n,
                                   size_t *idx, onc_error *err)
{
    boot_rng r;

    if (idx == NULL || n == 0 || (uint64_t)n > UINT32_MAX)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a bootstrap sample needs 1 .. %lu patients",
                             (unsigned long)UINT32_MAX);
    if (boot_rng_init(&r) != 0)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for a random number generator");
    boot_draw(&r.rng, seed, b, n, idx);
    boot_rng_free(&r);
    return ONC_OK;
}

/* What every thread reads, and the results they write. */
typedef struct boot_shared {
    const double *x, *time, *status;
    const int *arm;
    size_t n, p, n_arms, n_coef, n_times;
    const onc_ps_design_options *dopt;
    const onc_ps_outcome_options *oopt;
    uint64_t seed;
    size_t replicates;
    onc_ps_bootstrap *boot;
    pthread_mutex_t lock;
    size_t next;            /* next replicate to compute (under lock) */
    onc_status failure;     /* first fatal failure (under lock) */
    onc_error err;
} boot_shared;

/* One thread's scratch space for one replicate. */
typedef struct boot_worker {
    boot_shared *sh;
    boot_rng rng;
    size_t *idx;
    double *x, *time, *status, *w, *xc;
    int *arm;
    int32_t *group;
} boot_worker;

static void boot_worker_free(boot_worker *wk)
{
    boot_rng_free(&wk->rng);
    free(wk->idx);
    free(wk->x);
    free(wk->time);
    free(wk->status);
    free(wk->w);
    free(wk->xc);
    free(wk->arm);
    free(wk->group);
}

static int boot_worker_init(boot_worker *wk, boot_shared *sh)
{
    size_t n = sh->n;

    memset(wk, 0, sizeof *wk);
    wk->sh = sh;
    if (boot_rng_init(&wk->rng) != 0)
        return -1;
    wk->idx = onc_mallocarray(n, sizeof *wk->idx);
    wk->x = onc_mallocarray(n, (sh->p ? sh->p : 1) * sizeof *wk->x);
    wk->time = onc_mallocarray(n, sizeof *wk->time);
    wk->status = onc_mallocarray(n, sizeof *wk->status);
    wk->w = onc_mallocarray(n, sizeof *wk->w);
    wk->xc = onc_mallocarray(n, sh->n_coef * sizeof *wk->xc);
    wk->arm = onc_mallocarray(n, sizeof *wk->arm);
    wk->group = onc_mallocarray(n, sizeof *wk->group);
    if (wk->idx == NULL || wk->x == NULL || wk->time == NULL ||
        wk->status == NULL || wk->w == NULL || wk->xc == NULL ||
        wk->arm == NULL || wk->group == NULL) {
        boot_worker_free(wk);
        return -1;
    }
    return 0;
}

/*
** One replicate: returns ONC_OK (estimates stored, NaN where not
** defined) or ONC_ERR_NOMEM, the only failure that stops the run.
*/
static onc_status boot_replicate(boot_worker *wk, size_t b)
{
    boot_shared *sh = wk->sh;
    onc_ps_bootstrap *boot = sh->boot;
    const onc_ps_outcome_options *oopt = sh->oopt;
    size_t n = sh->n, p = sh->p, i, j, c, a, t, m = 0;
    double *log_hr = boot->log_hr + b * sh->n_coef;
    double *surv = boot->surv + b * sh->n_arms * sh->n_times;
    onc_ps_design *design = NULL;
    onc_cox_fit *fit = NULL;
    onc_km_fit *km = NULL;
    onc_cox_options copt;
    onc_cox_data cd;
    onc_km_options kopt;
    const double median = 0.5;
    onc_status st;
    onc_error err;

    boot_draw(&wk->rng.rng, sh->seed, b, n, wk->idx);
    for (i = 0; i < n; i++) {
        size_t r = wk->idx[i];

        for (j = 0; j < p; j++)
            wk->x[j * n + i] = sh->x[j * n + r];
        wk->arm[i] = sh->arm[r];
    }
    st = onc_ps_design_build(wk->x, n, p, wk->arm, sh->n_arms, sh->dopt, &design, &err);
    if (st != ONC_OK)
        return st == ONC_ERR_NOMEM ? st : ONC_OK;
    for (i = 0; i < n; i++) {
        size_t r = wk->idx[i];

        if (!(design->weight[i] > 0.0))
            continue;
        wk->time[m] = sh->time[r];
        wk->status[m] = sh->status[r];
        wk->w[m] = design->weight[i];
        wk->group[m] = wk->arm[i];
        m++;
    }
    for (i = 0, j = 0; i < n; i++) {
        if (!(design->weight[i] > 0.0))
            continue;
        for (c = 0, a = 0; a < sh->n_arms; a++) {
            if ((int)a == oopt->reference_arm)
                continue;
            wk->xc[c * m + j] = wk->arm[i] == (int)a;
            c++;
        }
        j++;
    }

    memset(&cd, 0, sizeof cd);
    cd.n = m;
    cd.p = sh->n_coef;
    cd.x = wk->xc;
    cd.stop = wk->time;
    cd.status = wk->status;
    cd.weights = wk->w;
    onc_cox_options_init(&copt);
    copt.robust = ONC_ROBUST_OFF;   /* only the estimate is needed */
    copt.concordance = 0;
    copt.ties = oopt->ties;
    st = onc_cox_fit_model(&cd, &copt, &fit, &err);
    if (st == ONC_ERR_NOMEM)
        goto cleanup;
    if (st == ONC_OK && fit->converged && !fit->monotone)
        for (c = 0; c < sh->n_coef; c++)
            log_hr[c] = fit->aliased[c] ? NAN : fit->coef[c];

    if (sh->n_times > 0) {
        onc_km_options_init(&kopt);
        kopt.times = oopt->times;
        kopt.n_times = oopt->n_times;
        kopt.quantiles = &median;
        kopt.n_quantiles = 1;
        kopt.rmst_rule = ONC_RMST_NONE;
        st = onc_km_fit_groups(m, wk->time, NULL, wk->status, wk->w, wk->group,
                               sh->n_arms, &kopt, &km, &err);
        if (st == ONC_ERR_NOMEM)
            goto cleanup;
        if (st == ONC_OK)
            for (a = 0; a < sh->n_arms; a++)
                for (t = 0; t < sh->n_times; t++) {
                    const onc_km_at_time *at = &km->curves[a].at_times[t];

                    surv[a * sh->n_times + t] = at->in_range ? at->surv : NAN;
                }
    }
    st = ONC_OK;

cleanup:
    onc_km_fit_free(km);
    onc_cox_fit_free(fit);
    onc_ps_design_free(design);
    return st;
}

static void *boot_thread(void *arg)
{
    boot_worker *wk = arg;
    boot_shared *sh = wk->sh;

    for (;;) {
        size_t b;
        onc_status st;

        pthread_mutex_lock(&sh->lock);
        if (sh->failure != ONC_OK || sh->next >= sh->replicates) {
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        b = sh->next++;
        pthread_mutex_unlock(&sh->lock);
        st = boot_replicate(wk, b);
        if (st != ONC_OK) {
            pthread_mutex_lock(&sh->lock);
            if (sh->failure == ONC_OK) {
                sh->failure = st;
                onc_error_set(&sh->err, st, NULL, 0, 0, NULL,
                              "bootstrap replicate %zu: out of memory", b + 1);
            }
            pthread_mutex_unlock(&sh->lock);
            break;
        }
    }
    return NULL;
}

static int boot_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* R quantile type 7 of sorted v[0 .. m-1], m >= 1. */
static double boot_quantile7(const double *v, size_t m, double prob)
{
    double h = (double)(m - 1) * prob, lo = floor(h);
    size_t k = (size_t)lo;

    if (k + 1 >= m)
        return v[m - 1];
    return v[k] + (h - lo) * (v[k + 1] - v[k]);
}

/* SD and percentile limits of the defined values v[0], v[stride], ...
** (scratch holds count values). */
static void boot_summarise(const double *v, size_t count, size_t stride,
                           double conf_level, double *scratch, size_t *n_def,
                           double *sd, double *lower, double *upper)
{
    size_t i, m = 0;
    double mean = 0.0, ss = 0.0;

    for (i = 0; i < count; i++)
        if (!isnan(v[i * stride]))
            scratch[m++] = v[i * stride];
    *n_def = m;
    *sd = *lower = *upper = NAN;
    if (m == 0)
        return;
    for (i = 0; i < m; i++)
        mean += scratch[i];
    mean /= (double)m;
    for (i = 0; i < m; i++)
        ss += (scratch[i] - mean) * (scratch[i] - mean);
    if (m > 1)
        *sd = sqrt(ss / (double)(m - 1));
    qsort(scratch, m, sizeof *scratch, boot_compare_double);
    *lower = boot_quantile7(scratch, m, (1.0 - conf_level) / 2.0);
    *upper = boot_quantile7(scratch, m, (1.0 + conf_level) / 2.0);
}

static unsigned boot_thread_count(unsigned asked, size_t replicates)
{
    long online;
    size_t t = asked;

    if (t == 0) {
        online = sysconf(_SC_NPROCESSORS_ONLN);
        t = online > 0 ? (size_t)online : 1;
    }
    if (t > ONC_PS_BOOTSTRAP_MAX_THREADS)
        t = ONC_PS_BOOTSTRAP_MAX_THREADS;
    if (t > replicates)
        t = replicates;
    return (unsigned)(t ? t : 1);
}

/*
** Bootstrap of the propensity design and the weighted outcome analysis.
**
** Method: see ps_outcome.h (Efron & Tibshirani 1993; Austin 2016; Austin
** & Small 2014).  Each replicate repeats onc_ps_design_build on the
** resampled patients, then fits the weighted Cox model (model-based
** variance is not needed) and, when times are given, the weighted
** Kaplan-Meier curves.  Summaries: SD of the log hazard ratios and of
** S(t), percentile intervals.
** Inputs: as onc_ps_design_build and onc_ps_outcome_fit; bopt.
** Output: *out.
** NaN policy: inputs are validated first (NaN covariates, times, status,
** arm codes are ONC_ERR_DATA naming the patient); a replicate that cannot
** be analysed is counted in n_failed, not an error.
*/
onc_status onc_ps_bootstrap_run(const double *x, size_t n, size_t p,
                                const int *arm, size_t n_arms,
                                const double *time, const double *status,
                                const onc_ps_design_options *dopt,
                                const onc_ps_outcome_options *oopt,
                                const onc_ps_bootstrap_options *bopt,
                                onc_ps_bootstrap **out, onc_error *err)
{
    onc_ps_design_options ddef;
    onc_ps_outcome_options odef;
    onc_ps_bootstrap_options bdef;
    onc_ps_bootstrap *boot = NULL;
    boot_shared sh;
    boot_worker *workers = NULL;
    pthread_t *threads = NULL;
    double *scratch = NULL;
    size_t B, i, j, c, a, t, n_cells, started = 0;
    unsigned n_threads;
    int lock_ready = 0;
    onc_status st;

    if (out == NULL || arm == NULL || time == NULL || status == NULL ||
        (p > 0 && x == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_ps_bootstrap_run: missing argument");
    *out = NULL;
    if (dopt == NULL) {
        onc_ps_design_options_init(&ddef);
        dopt = &ddef;
    }
    if (oopt == NULL) {
        onc_ps_outcome_options_init(&odef);
        oopt = &odef;
    }
    if (bopt == NULL) {
        onc_ps_bootstrap_options_init(&bdef);
        bopt = &bdef;
    }
    B = bopt->replicates;
    if (B == 0 || B > ONC_PS_BOOTSTRAP_MAX_REPLICATES)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the number of bootstrap replicates must lie in "
                             "1 .. %d, not %zu", ONC_PS_BOOTSTRAP_MAX_REPLICATES, B);
    if (n == 0 || (uint64_t)n > UINT32_MAX)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "the bootstrap takes 1 .. %lu patients, not %zu",
                             (unsigned long)UINT32_MAX, n);
    if (n_arms < 2 || n_arms > ONC_PS_MAX_ARMS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the number of arms must lie in 2 .. %d, not %zu",
                             ONC_PS_MAX_ARMS, n_arms);
    if (oopt->reference_arm < 0 || (size_t)oopt->reference_arm >= n_arms ||
        !(oopt->conf_level > 0.0 && oopt->conf_level < 1.0) ||
        (oopt->n_times > 0 && oopt->times == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "invalid outcome options (reference arm, confidence "
                             "level or times)");
    for (i = 0; i < n; i++) {
        if (arm[i] < 0 || (size_t)arm[i] >= n_arms)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "arm code %d is outside 0 .. %zu", arm[i], n_arms - 1);
        if (!isfinite(time[i]) || time[i] < 0.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "time",
                                 "the time must be a finite number >= 0");
        if (status[i] != 0.0 && status[i] != 1.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "status",
                                 "the status must be 0 or 1");
        for (j = 0; j < p; j++)
            if (!isfinite(x[j * n + i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "covariate %zu is missing or not finite", j + 1);
    }

    boot = calloc(1, sizeof *boot);
    if (boot == NULL)
        goto nomem;
    boot->replicates = B;
    boot->seed = bopt->seed;
    boot->n_coef = n_arms - 1;
    boot->n_arms = n_arms;
    boot->n_times = oopt->n_times;
    boot->conf_level = oopt->conf_level;
    n_cells = n_arms * oopt->n_times;
    boot->log_hr = onc_mallocarray(B, boot->n_coef * sizeof *boot->log_hr);
    boot->surv = onc_mallocarray(B, (n_cells ? n_cells : 1) * sizeof *boot->surv);
    boot->log_hr_n = onc_callocarray(boot->n_coef, sizeof *boot->log_hr_n);
    boot->log_hr_se = onc_mallocarray(boot->n_coef, sizeof *boot->log_hr_se);
    boot->hr_lower = onc_mallocarray(boot->n_coef, sizeof *boot->hr_lower);
    boot->hr_upper = onc_mallocarray(boot->n_coef, sizeof *boot->hr_upper);
    boot->surv_n = onc_callocarray(n_cells ? n_cells : 1, sizeof *boot->surv_n);
    boot->surv_se = onc_mallocarray(n_cells ? n_cells : 1, sizeof *boot->surv_se);
    boot->surv_lower = onc_mallocarray(n_cells ? n_cells : 1, sizeof *boot->surv_lower);
    boot->surv_upper = onc_mallocarray(n_cells ? n_cells : 1, sizeof *boot->surv_upper);
    scratch = onc_mallocarray(B, sizeof *scratch);
    if (boot->log_hr == NULL || boot->surv == NULL || boot->log_hr_n == NULL ||
        boot->log_hr_se == NULL || boot->hr_lower == NULL || boot->hr_upper == NULL ||
        boot->surv_n == NULL || boot->surv_se == NULL || boot->surv_lower == NULL ||
        boot->surv_upper == NULL || scratch == NULL)
        goto nomem;
    for (i = 0; i < B * boot->n_coef; i++)
        boot->log_hr[i] = NAN;
    for (i = 0; i < B * n_cells; i++)
        boot->surv[i] = NAN;

    memset(&sh, 0, sizeof sh);
    sh.x = x;
    sh.time = time;
    sh.status = status;
    sh.arm = arm;
    sh.n = n;
    sh.p = p;
    sh.n_arms = n_arms;
    sh.n_coef = n_arms - 1;
    sh.n_times = oopt->n_times;
    sh.dopt = dopt;
    sh.oopt = oopt;
    sh.seed = bopt->seed;
    sh.replicates = B;
    sh.boot = boot;
    sh.failure = ONC_OK;
    if (pthread_mutex_init(&sh.lock, NULL) != 0) {
        st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                           "bootstrap: cannot create a mutex");
        goto cleanup;
    }
    lock_ready = 1;

    n_threads = boot_thread_count(bopt->threads, B);
    workers = onc_callocarray(n_threads, sizeof *workers);
    threads = onc_callocarray(n_threads, sizeof *threads);
    if (workers == NULL || threads == NULL)
        goto nomem;
    for (i = 0; i < n_threads; i++)
        if (boot_worker_init(&workers[i], &sh) != 0) {
            size_t k;

            for (k = 0; k < i; k++)
                boot_worker_free(&workers[k]);
            goto nomem;
        }
    /* The calling thread is worker 0; the others run beside it.  If a
    ** thread cannot be created the work is shared by fewer threads, with
    ** the same result. */
    for (i = 1; i < n_threads; i++) {
        if (pthread_create(&threads[i], NULL, boot_thread, &workers[i]) != 0)
            break;
        started++;
    }
    boot_thread(&workers[0]);
    for (i = 1; i <= started; i++)
        pthread_join(threads[i], NULL);
    for (i = 0; i < n_threads; i++)
        boot_worker_free(&workers[i]);
    boot->threads = (unsigned)(started + 1);
    if (sh.failure != ONC_OK) {
        st = sh.failure;
        if (err != NULL)
            *err = sh.err;
        goto cleanup;
    }

    for (i = 0; i < B; i++) {
        int failed = 0;

        for (c = 0; c < boot->n_coef; c++)
            failed |= isnan(boot->log_hr[i * boot->n_coef + c]);
        boot->n_failed += (size_t)failed;
    }
    for (c = 0; c < boot->n_coef; c++) {
        double lo, hi;

        boot_summarise(boot->log_hr + c, B, boot->n_coef, oopt->conf_level, scratch,
                       &boot->log_hr_n[c], &boot->log_hr_se[c], &lo, &hi);
        boot->hr_lower[c] = exp(lo);
        boot->hr_upper[c] = exp(hi);
    }
    for (a = 0; a < n_arms; a++)
        for (t = 0; t < oopt->n_times; t++) {
            size_t cell = a * oopt->n_times + t;

            boot_summarise(boot->surv + cell, B, n_cells, oopt->conf_level, scratch,
                           &boot->surv_n[cell], &boot->surv_se[cell],
                           &boot->surv_lower[cell], &boot->surv_upper[cell]);
        }
    *out = boot;
    boot = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "bootstrap: out of memory for %zu replicates of %zu patients",
                       B, n);
cleanup:
    if (lock_ready)
        pthread_mutex_destroy(&sh.lock);
    free(workers);
    free(threads);
    free(scratch);
    onc_ps_bootstrap_free(boot);
    return st;
}
