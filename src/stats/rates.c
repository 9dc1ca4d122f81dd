/*
** rates.c -- one proportion with its confidence interval, the difference of
** two proportions, and the odds ratio of a 2 x 2 table.
**
** The reference for every number here is R (tests/golden/stats/rates_*.R):
** binom.test, prop.test(correct = FALSE) and fisher.test.  The beta
** quantile is computed here rather than by gsl_cdf_beta_Pinv: GSL reports a
** failure through its error handler, which aborts the process by default,
** and gsl_cdf_beta_Pinv fails to converge for the Clopper-Pearson limit of
** 4567/1000000.  A library must not abort; here a failure is a NaN limit.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "oncostat/rates.h"
#include "core/internal.h"

/* Newton / bisection iterations before a root search gives up (it converges
** in well under 100 in practice; bisection alone needs about 60). */
#define RATES_MAX_ROOT_ITER 400
/* Stop when a step changes the root by less than this (log scale, so it
** is a relative precision on the root itself). */
#define RATES_ROOT_TOL 1e-14
/* Largest table total for the conditional odds ratio: that of the exact
** test it relies on (CONTINGENCY_FISHER_MAX_TOTAL). */
#define RATES_MAX_TOTAL ((size_t)1 << 24)

const char *onc_rates_ci_name(onc_binomial_ci method)
{
    switch (method) {
    case ONC_CI_CLOPPER_PEARSON: return "Clopper-Pearson";
    case ONC_CI_WILSON: return "Wilson";
    }
    return "unknown";
}

static onc_status rates_check_level(double conf_level, onc_error *err)
{
    if (!(conf_level > 0.0 && conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1 "
                             "(exclusive), got %g", conf_level);
    return ONC_OK;
}

/* ---- regularised incomplete beta function ---- */

/*
** Continued fraction of I_x(a, b) (modified Lentz; Numerical Recipes 3rd
** ed., section 6.4), which converges quickly for x < (a + 1)/(a + b + 2).
** The number of terms needed grows like sqrt(max(a, b)), so the cap scales
** with it.  Returns NaN if the fraction did not converge.
*/
static double rates_beta_fraction(double a, double b, double x)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap, h;
    double max_iter = 1000.0 + 20.0 * sqrt(fmax(a, b));
    double m;

    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    h = d;
    for (m = 1.0; m <= max_iter; m += 1.0) {
        double m2 = 2.0 * m, aa, del;

        aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 4.0 * DBL_EPSILON)
            return h;
    }
    return NAN;
}

/*
** log I_x(a, b) for a, b > 0, where y = 1 - x is passed separately so that
** x close to 1 keeps its precision.  Works on the log scale throughout, so
** that lower tails far below DBL_MIN stay usable by the root search.
*/
static double rates_log_beta_cdf(double a, double b, double x, double y)
{
    double lnbeta;

    if (x <= 0.0)
        return -INFINITY;
    if (y <= 0.0)
        return 0.0;
    lnbeta = gsl_sf_lnbeta(a, b);
    if (x < (a + 1.0) / (a + b + 2.0)) {
        double h = rates_beta_fraction(a, b, x);
        if (!(h > 0.0))
            return NAN;
        return a * log(x) + b * log(y) - lnbeta + log(h) - log(a);
    } else {
        double h = rates_beta_fraction(b, a, y);
        double upper;
        if (!(h > 0.0))
            return NAN;
        upper = exp(b * log(y) + a * log(x) - lnbeta + log(h) - log(b));
        return log1p(-fmin(upper, 1.0));
    }
}

/*
** The p with I_p(a, b) = target (0 < target < 1), i.e. R's
** qbeta(target, a, b).  Newton's method on u = log p against log I, which
** is nearly linear in u in the lower tail, safeguarded by a bracket and
** bisection.  Returns NaN if the search fails.
*/
static double rates_beta_quantile(double a, double b, double target)
{
    double log_target = log(target);
    double lnbeta = gsl_sf_lnbeta(a, b);
    double lo = -INFINITY, hi = 0.0;   /* g(lo) < 0 <= g(hi) */
    double u, step = 1.0;
    int iter;

    /* Start from the small-p approximation I_p ~ p^a / (a B(a, b)). */
    u = (log_target + log(a) + lnbeta) / a;
    if (!isfinite(u) || u >= 0.0)
        u = log(0.5);

    /* Find a finite lower end of the bracket. */
    for (iter = 0; iter < RATES_MAX_ROOT_ITER; iter++) {
        double g = rates_log_beta_cdf(a, b, exp(u), -expm1(u)) - log_target;
        if (isnan(g))
            return NAN;
        if (g < 0.0) {
            lo = u;
            break;
        }
        hi = u;
        u -= step;
        step *= 2.0;
        if (u < -745.0)             /* below the smallest double */
            return 0.0;
    }
    if (!isfinite(lo))
        return NAN;

    u = 0.5 * (lo + hi);
    for (iter = 0; iter < RATES_MAX_ROOT_ITER; iter++) {
        double p = exp(u), q = -expm1(u);
        double logcdf = rates_log_beta_cdf(a, b, p, q);
        double g = logcdf - log_target;
        double slope, next;

        if (isnan(g))
            return NAN;
        if (g < 0.0)
            lo = u;
        else
            hi = u;
        /* d log I / d u = p f(p) / I(p), f the beta density */
        slope = exp(u + (a - 1.0) * u + (b - 1.0) * log(q) - lnbeta - logcdf);
        next = u - g / slope;
        if (!isfinite(next) || next <= lo || next >= hi)
            next = 0.5 * (lo + hi);
        if (fabs(next - u) <= RATES_ROOT_TOL || hi - lo <= RATES_ROOT_TOL)
            return exp(next);
        u = next;
    }
    return NAN;
}

/* ---- one proportion ---- */

/* prop.test(x, n, correct = FALSE)$conf.int, in R's own arithmetic. */
static void rates_wilson(size_t x, size_t n, double conf_level, double *lower,
                         double *upper)
{
    double z = gsl_cdf_ugaussian_Pinv((1.0 + conf_level) / 2.0);
    double dn = (double)n, est = (double)x / dn;
    double z22n = z * z / (2.0 * dn);
    double half = z * sqrt(est * (1.0 - est) / dn + z22n / (2.0 * dn));

    *upper = est >= 1.0 ? 1.0 : (est + z22n + half) / (1.0 + 2.0 * z22n);
    *lower = est <= 0.0 ? 0.0 : (est + z22n - half) / (1.0 + 2.0 * z22n);
    *lower = fmax(*lower, 0.0);
    *upper = fmin(*upper, 1.0);
}

/* binom.test(x, n)$conf.int: lower = qbeta(alpha/2, x, n-x+1), upper =
** qbeta(1-alpha/2, x+1, n-x), the latter taken as 1 - qbeta(alpha/2, n-x,
** x+1) so that both searches work in a lower tail. */
static void rates_clopper_pearson(size_t x, size_t n, double conf_level,
                                  double *lower, double *upper)
{
    double alpha = (1.0 - conf_level) / 2.0;
    double dx = (double)x, dn = (double)n;

    *lower = x == 0 ? 0.0 : rates_beta_quantile(dx, dn - dx + 1.0, alpha);
    *upper = x == n ? 1.0 : 1.0 - rates_beta_quantile(dn - dx, dx + 1.0, alpha);
}

/*
** Proportion with a two-sided CI.
** Method: Clopper & Pearson, Biometrika 1934;26:404 (exact, via beta
**   quantiles as binom.test), or Wilson, JASA 1927;22:209 (score interval
**   without continuity correction, as prop.test(correct = FALSE)).
** Inputs: count <= n events among n patients; conf_level in (0, 1).
** Output: *out.  NaN policy: n == 0 gives NaN estimate and limits.
*/
onc_status onc_rates_proportion(size_t count, size_t n, double conf_level,
                                onc_binomial_ci method, onc_proportion *out,
                                onc_error *err)
{
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no result structure given");
    if ((st = rates_check_level(conf_level, err)) != ONC_OK)
        return st;
    if (count > n)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "%zu events among %zu patients: count exceeds n",
                             count, n);
    if (method != ONC_CI_CLOPPER_PEARSON && method != ONC_CI_WILSON)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown confidence interval method %d",
                             (int)method);
    out->count = count;
    out->n = n;
    out->conf_level = conf_level;
    out->method = method;
    if (n == 0) {
        out->estimate = out->lower = out->upper = NAN;
        return ONC_OK;
    }
    out->estimate = (double)count / (double)n;
    if (method == ONC_CI_WILSON)
        rates_wilson(count, n, conf_level, &out->lower, &out->upper);
    else
        rates_clopper_pearson(count, n, conf_level, &out->lower, &out->upper);
    return ONC_OK;
}

/*
** Difference of two proportions with Newcombe's hybrid score interval.
** Method: Newcombe, Stat Med 1998;17:873-890, method 10:
**   L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),
**   U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2),
**   d = p1 - p2, (l_i, u_i) the Wilson limits of p_i without continuity
**   correction.
** Inputs: x1 <= n1, x2 <= n2; conf_level in (0, 1).
** Output: *out.  NaN policy: n1 == 0 or n2 == 0 gives NaN throughout.
*/
onc_status onc_rates_difference(size_t x1, size_t n1, size_t x2, size_t n2,
                                double conf_level, onc_rate_difference *out,
                                onc_error *err)
{
    double l1, u1, l2, u2;
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no result structure given");
    if ((st = rates_check_level(conf_level, err)) != ONC_OK)
        return st;
    if (x1 > n1 || x2 > n2)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "events exceed patients (%zu/%zu, %zu/%zu)",
                             x1, n1, x2, n2);
    out->conf_level = conf_level;
    if (n1 == 0 || n2 == 0) {
        out->p1 = n1 ? (double)x1 / (double)n1 : NAN;
        out->p2 = n2 ? (double)x2 / (double)n2 : NAN;
        out->difference = out->lower = out->upper = NAN;
        return ONC_OK;
    }
    out->p1 = (double)x1 / (double)n1;
    out->p2 = (double)x2 / (double)n2;
    out->difference = out->p1 - out->p2;
    rates_wilson(x1, n1, conf_level, &l1, &u1);
    rates_wilson(x2, n2, conf_level, &l2, &u2);
    out->lower = out->difference -
                 sqrt((out->p1 - l1) * (out->p1 - l1) + (u2 - out->p2) * (u2 - out->p2));
    out->upper = out->difference +
                 sqrt((u1 - out->p1) * (u1 - out->p1) + (out->p2 - l2) * (out->p2 - l2));
    return ONC_OK;
}

/* ---- odds ratio: conditional (noncentral hypergeometric) inference ---- */

/*
** The conditional distribution of the (1,1) cell given both margins, with
** odds ratio exp(theta): P(s) proportional to dhyper(s) exp(theta s) on
** s = lo..hi.  Mirrors dnhyper/mnhyper/pnhyper inside fisher.test.
*/
typedef struct rates_nchg {
    double *logdc;      /* log dhyper(s) + const, s = lo..hi */
    size_t len;
    double lo;
} rates_nchg;

typedef struct rates_nchg_stats {
    double mean;        /* E(X) */
    double var;         /* Var(X) */
    double log_le;      /* log P(X <= x) */
    double mean_le;     /* E(X | X <= x) */
    double log_ge;      /* log P(X >= x) */
    double mean_ge;     /* E(X | X >= x) */
} rates_nchg_stats;

/*
** Weights exp(logdc[i] + theta s - max) below exp(-RATES_NCHG_SPAN) are 0 in
** double precision (as they are in R's dnhyper), so only the window around
** the mode where they are not is visited; this keeps tables with millions
** of patients fast.  log dhyper is concave in s, hence unimodal.
*/
#define RATES_NCHG_SPAN 750.0

static double rates_nchg_logw(const rates_nchg *h, size_t i, double theta)
{
    return h->logdc[i] + theta * ((double)i + h->lo);
}

static void rates_nchg_eval(const rates_nchg *h, double theta, double x,
                            rates_nchg_stats *o)
{
    double mx, w_all = 0.0, s1 = 0.0, ss = 0.0;
    double w_le = 0.0, s_le = 0.0, w_ge = 0.0, s_ge = 0.0;
    size_t a = 0, b = h->len - 1, mode, first, last, i;

    /* mode: the first i whose successor is not larger */
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (rates_nchg_logw(h, mid + 1, theta) > rates_nchg_logw(h, mid, theta))
            a = mid + 1;
        else
            b = mid;
    }
    mode = a;
    mx = rates_nchg_logw(h, mode, theta);
    first = last = mode;
    while (first > 0 && rates_nchg_logw(h, first - 1, theta) > mx - RATES_NCHG_SPAN)
        first--;
    while (last + 1 < h->len && rates_nchg_logw(h, last + 1, theta) > mx - RATES_NCHG_SPAN)
        last++;

    for (i = first; i <= last; i++) {
        double s = (double)i + h->lo;
        double w = exp(rates_nchg_logw(h, i, theta) - mx);
        w_all += w;
        s1 += w * s;
        if (s <= x) {
            w_le += w;
            s_le += w * s;
        }
        if (s >= x) {
            w_ge += w;
            s_ge += w * s;
        }
    }
    o->mean = s1 / w_all;
    for (i = first; i <= last; i++) {
        double s = (double)i + h->lo;
        double w = exp(rates_nchg_logw(h, i, theta) - mx);
        ss += w * (s - o->mean) * (s - o->mean);
    }
    o->var = ss / w_all;
    o->log_le = w_le > 0.0 ? log(w_le / w_all) : -INFINITY;
    o->mean_le = w_le > 0.0 ? s_le / w_le : NAN;
    o->log_ge = w_ge > 0.0 ? log(w_ge / w_all) : -INFINITY;
    o->mean_ge = w_ge > 0.0 ? s_ge / w_ge : NAN;
}

enum rates_nchg_equation {
    RATES_NCHG_MEAN,        /* E(X) = x           (conditional MLE) */
    RATES_NCHG_LOWER_TAIL,  /* P(X <= x) = alpha  (upper CI limit) */
    RATES_NCHG_UPPER_TAIL   /* P(X >= x) = alpha  (lower CI limit) */
};

/* g(theta) of the equation (increasing in theta) and its derivative. */
static void rates_nchg_equation_value(const rates_nchg *h, int which,
                                      double theta, double x, double log_alpha,
                                      double *g, double *slope)
{
    rates_nchg_stats o;

    rates_nchg_eval(h, theta, x, &o);
    switch (which) {
    case RATES_NCHG_MEAN:
        *g = o.mean - x;
        *slope = o.var;
        break;
    case RATES_NCHG_LOWER_TAIL:     /* log P(X <= x) decreases in theta */
        *g = log_alpha - o.log_le;
        *slope = o.mean - o.mean_le;
        break;
    default:                        /* log P(X >= x) increases in theta */
        *g = o.log_ge - log_alpha;
        *slope = o.mean_ge - o.mean;
        break;
    }
}

/*
** Solve one of the equations for theta = log(odds ratio): expand a bracket
** from 0, then Newton steps kept inside it (bisection when a step leaves).
** Returns exp(theta), or NaN if the search fails.
*/
static double rates_nchg_solve(const rates_nchg *h, int which, double x,
                               double alpha)
{
    double log_alpha = log(alpha);
    double lo = 0.0, hi = 0.0, g, slope, theta, step = 1.0;
    int iter;

    rates_nchg_equation_value(h, which, 0.0, x, log_alpha, &g, &slope);
    if (isnan(g))
        return NAN;
    if (g == 0.0)
        return 1.0;
    for (iter = 0; iter < RATES_MAX_ROOT_ITER; iter++) {
        double probe = g < 0.0 ? hi + step : lo - step;
        double gp, sp;
        if (fabs(probe) > 700.0)
            return g < 0.0 ? INFINITY : 0.0;
        rates_nchg_equation_value(h, which, probe, x, log_alpha, &gp, &sp);
        if (isnan(gp))
            return NAN;
        if (g < 0.0) {
            lo = hi;
            hi = probe;
            if (gp >= 0.0)
                break;
        } else {
            hi = lo;
            lo = probe;
            if (gp < 0.0)
                break;
        }
        step *= 2.0;
    }
    theta = 0.5 * (lo + hi);
    for (iter = 0; iter < RATES_MAX_ROOT_ITER; iter++) {
        double next;
        rates_nchg_equation_value(h, which, theta, x, log_alpha, &g, &slope);
        if (isnan(g))
            return NAN;
        if (g < 0.0)
            lo = theta;
        else
            hi = theta;
        next = theta - g / slope;
        if (!isfinite(next) || next <= lo || next >= hi)
            next = 0.5 * (lo + hi);
        if (fabs(next - theta) <= RATES_ROOT_TOL || hi - lo <= RATES_ROOT_TOL)
            return exp(next);
        theta = next;
    }
    return NAN;
}

/*
** Odds ratio of a 2 x 2 table [a b; c d] (rows: arms; columns: event, no
** event).
** Method: sample OR ad/bc with Woolf's logit interval (Woolf, Ann Hum
**   Genet 1955;19:251); conditional MLE and exact interval of the
**   noncentral hypergeometric distribution of a given the margins
**   (Cornfield 1956; as R's fisher.test: the MLE solves E(X) = a, the
**   limits solve P(X >= a) = alpha/2 and P(X <= a) = alpha/2); Fisher's
**   exact two-sided P from onc_contingency_fisher().
** Inputs: four counts; conf_level in (0, 1).
** Output: *out.  NaN policy: Woolf limits NaN when a cell is 0; the
**   conditional MLE is 0 or Inf (and a limit 0 or Inf) when a is at an end
**   of its support, as in R.
*/
onc_status onc_rates_odds_ratio(size_t a, size_t b, size_t c, size_t d,
                                double conf_level, onc_odds_ratio *out,
                                onc_error *err)
{
    size_t counts[4];
    size_t m, n, k, lo, hi, s;
    double alpha, ad, bc;
    rates_nchg h = {NULL, 0, 0.0};
    onc_fisher_result fr;
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no result structure given");
    if ((st = rates_check_level(conf_level, err)) != ONC_OK)
        return st;
    if (a > RATES_MAX_TOTAL || b > RATES_MAX_TOTAL || c > RATES_MAX_TOTAL ||
        d > RATES_MAX_TOTAL || a + b + c + d > RATES_MAX_TOTAL)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "2 x 2 table with more than %zu patients",
                             RATES_MAX_TOTAL);
    alpha = (1.0 - conf_level) / 2.0;
    out->conf_level = conf_level;

    ad = (double)a * (double)d;
    bc = (double)b * (double)c;
    out->sample = bc > 0.0 ? ad / bc : (ad > 0.0 ? INFINITY : NAN);
    if (a && b && c && d) {
        double z = gsl_cdf_ugaussian_Pinv(1.0 - alpha);
        double se = sqrt(1.0 / (double)a + 1.0 / (double)b +
                         1.0 / (double)c + 1.0 / (double)d);
        double lor = log(out->sample);
        out->woolf_lower = exp(lor - z * se);
        out->woolf_upper = exp(lor + z * se);
    } else {
        out->woolf_lower = out->woolf_upper = NAN;
    }

    counts[0] = a;
    counts[1] = b;
    counts[2] = c;
    counts[3] = d;
    if ((st = onc_contingency_fisher(counts, 2, 2, NULL, &fr, err)) != ONC_OK)
        return st;
    out->p_value = fr.p_value;

    /* fisher.test's notation: x = a, m = first column total, n = second,
    ** k = first row total; the support of x is lo..hi. */
    m = a + c;
    n = b + d;
    k = a + b;
    lo = k > n ? k - n : 0;
    hi = k < m ? k : m;
    if (lo == hi) {
        out->conditional_mle = 0.0;
        out->exact_lower = 0.0;
        out->exact_upper = INFINITY;
        return ONC_OK;
    }
    h.len = hi - lo + 1;
    h.lo = (double)lo;
    h.logdc = onc_mallocarray(h.len, sizeof *h.logdc);
    if (h.logdc == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for %zu support points", h.len);
    for (s = lo; s <= hi; s++)
        h.logdc[s - lo] = -gsl_sf_lnfact((unsigned)s) -
                          gsl_sf_lnfact((unsigned)(m - s)) -
                          gsl_sf_lnfact((unsigned)(k - s)) -
                          gsl_sf_lnfact((unsigned)(n - k + s));
    out->conditional_mle = a == lo ? 0.0 : a == hi ? INFINITY :
                           rates_nchg_solve(&h, RATES_NCHG_MEAN, (double)a, alpha);
    out->exact_lower = a == lo ? 0.0 :
                       rates_nchg_solve(&h, RATES_NCHG_UPPER_TAIL, (double)a, alpha);
    out->exact_upper = a == hi ? INFINITY :
                       rates_nchg_solve(&h, RATES_NCHG_LOWER_TAIL, (double)a, alpha);
    free(h.logdc);
    return ONC_OK;
}
