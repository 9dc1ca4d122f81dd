/*
** test_plot_axis.c -- axis breaks and the pieces every figure shares:
** onc_plot_pretty() against R's pretty() (tests/golden/render/plot_axis.R),
** calendar time breaks, log breaks and tick decimals against hand-worked
** tables, the palette, file formats, panel mapping, and tick thinning that
** keeps labels apart on a crowded axis.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/plot.h"

#define GOLDEN "tests/golden/render/plot_axis.txt"

static void test_pretty(golden *g)
{
    size_t n, k, i, n_cases;
    const double *v = golden_get(g, "n_cases", &n);

    n_cases = v != NULL && n == 1 ? (size_t)v[0] : 0;
    CHECK(n_cases >= 20);
    for (k = 1; k <= n_cases; k++) {
        char key[32];
        const double *in, *want;
        size_t n_in, n_want, got_n = 0;
        double got[ONC_PLOT_MAX_BREAKS];
        onc_error err;

        snprintf(key, sizeof key, "case%zu_in", k);
        in = golden_get(g, key, &n_in);
        snprintf(key, sizeof key, "case%zu_out", k);
        want = golden_get(g, key, &n_want);
        if (in == NULL || want == NULL || n_in != 3) {
            CHECK(0);
            continue;
        }
        CHECK(onc_plot_pretty(in[0], in[1], (int)in[2], got, ONC_PLOT_MAX_BREAKS, &got_n, &err)
              == ONC_OK);
        CHECK(got_n == n_want);
        if (got_n != n_want) {
            fprintf(stderr, "case %zu: %zu breaks, R has %zu\n", k, got_n, n_want);
            continue;
        }
        /* R's arithmetic is followed step by step: the breaks agree exactly */
        for (i = 0; i < n_want; i++)
            CHECK_REL(got[i], want[i], 0);
    }
}

static void test_pretty_errors(void)
{
    double b[4];
    size_t n;
    onc_error err;

    CHECK(onc_plot_pretty(NAN, 1, 5, b, 4, &n, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_pretty(2, 1, 5, b, 4, &n, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_pretty(0, 1, 0, b, 4, &n, &err) == ONC_ERR_USAGE);
    /* 0, 0.2, ..., 1 needs six slots */
    CHECK(onc_plot_pretty(0, 1, 5, b, 4, &n, &err) == ONC_ERR_LIMIT);
    CHECK(n == 0);
}

/*
** Calendar steps, worked by hand: the smallest step of the unit's list
** with at most 8 intervals reaching tmax.
**   36 months: 3 -> 12 intervals, 6 -> 6        => 0, 6, ..., 36
**   21.5 months: 3 -> ceil(7.17) = 8            => 0, 3, ..., 24
**   60 months: 6 -> 10, 12 -> 5                 => 0, 12, ..., 60
**   100 months: 12 -> 9, 24 -> 5                => 0, 24, ..., 120
**   1.5 months: 1 -> 2                          => 0, 1, 2
**   161 weeks: 13 -> 13, 26 -> 7                => 0, 26, ..., 182
**   30 weeks: 4 -> 8                            => 0, 4, ..., 32
**   0.5 months: a 1-month step gives 1 interval => pretty(0, 0.5): 0, 0.1, ..., 0.5
**   1022 days: pretty(0, 1022)                  => 0, 200, ..., 1200
**   7.3 years: pretty(0, 7.3)                   => 0, 2, 4, 6, 8
*/
static void test_time_breaks(void)
{
    static const struct {
        double tmax;
        const char *unit;
        double first_step, last;
        size_t n;
    } cases[] = {
        {36, "months", 6, 36, 7},
        {21.5, "Months", 3, 24, 9},
        {60, "month", 12, 60, 6},
        {100, "months", 24, 120, 6},
        {1.5, "months", 1, 2, 3},
        {161, "weeks", 26, 182, 8},
        {30, "WEEK", 4, 32, 9},
        {0.5, "months", 0.1, 0.5, 6},
        {1022, "days", 200, 1200, 7},
        {7.3, "years", 2, 8, 5},
        {7.3, NULL, 2, 8, 5},
        {0, "months", 0.2, 1, 6},
    };
    size_t c, i, n;
    double b[ONC_PLOT_MAX_BREAKS];
    onc_error err;

    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        CHECK(onc_plot_time_breaks(cases[c].tmax, cases[c].unit, b, ONC_PLOT_MAX_BREAKS, &n,
                                   &err) == ONC_OK);
        CHECK(n == cases[c].n);
        if (n != cases[c].n || n < 2) {
            fprintf(stderr, "time case %zu: %zu breaks\n", c, n);
            continue;
        }
        CHECK_CLOSE(b[0], 0, 0);
        CHECK_CLOSE(b[1], cases[c].first_step, 1e-12);
        CHECK_CLOSE(b[n - 1], cases[c].last, 1e-12);
        CHECK(b[n - 1] >= cases[c].tmax);
        for (i = 1; i < n; i++)
            CHECK_CLOSE(b[i] - b[i - 1], cases[c].first_step, 1e-9);
    }
    CHECK(onc_plot_time_breaks(-1, "months", b, ONC_PLOT_MAX_BREAKS, &n, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_time_breaks(INFINITY, "months", b, ONC_PLOT_MAX_BREAKS, &n, &err)
          == ONC_ERR_USAGE);
    CHECK(onc_plot_time_breaks(36, "months", b, 3, &n, &err) == ONC_ERR_LIMIT);
}

/*
** Log breaks on the 1-2-5 scale, always spanning 1, by hand:
**   0.21 .. 1.6   => 0.2 0.5 1 2
**   0.04 .. 0.29  => 0.02 0.05 0.1 0.2 0.5 1
**   1.1 .. 3.4    => 1 2 5
**   0.25 .. 3.16  => 0.2 0.5 1 2 5
**   0.001 .. 5000 => 1-2-5 would need 22 breaks: 0.001 0.01 ... 10000
**   1e-9 .. 1e9   => 19 decades: every third power, 1e-9 ... 1e9
*/
static void test_log_breaks(void)
{
    static const double want1[] = {0.2, 0.5, 1, 2};
    static const double want2[] = {0.02, 0.05, 0.1, 0.2, 0.5, 1};
    static const double want3[] = {1, 2, 5};
    static const double want4[] = {0.2, 0.5, 1, 2, 5};
    static const double want5[] = {0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000};
    static const double want6[] = {1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9};
    static const struct {
        double lo, hi;
        const double *want;
        size_t n;
    } cases[] = {
        {0.21, 1.6, want1, 4}, {0.04, 0.29, want2, 6}, {1.1, 3.4, want3, 3},
        {0.25, 3.16, want4, 5}, {0.001, 5000, want5, 8}, {1e-9, 1e9, want6, 7},
    };
    size_t c, i, n;
    double b[ONC_PLOT_MAX_BREAKS];
    onc_error err;

    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        CHECK(onc_plot_log_breaks(cases[c].lo, cases[c].hi, b, ONC_PLOT_MAX_BREAKS, &n, &err)
              == ONC_OK);
        CHECK(n == cases[c].n);
        for (i = 0; i < n && i < cases[c].n; i++)
            CHECK_REL(b[i], cases[c].want[i], 1e-15);
    }
    CHECK(onc_plot_log_breaks(0, 2, b, ONC_PLOT_MAX_BREAKS, &n, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_log_breaks(0.5, -2, b, ONC_PLOT_MAX_BREAKS, &n, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_log_breaks(0.04, 0.29, b, 3, &n, &err) == ONC_ERR_LIMIT);
}

static void test_tick_decimals(void)
{
    static const double a[] = {0, 0.25, 0.5, 0.75, 1};
    static const double b[] = {0, 6, 12, 18};
    static const double c[] = {0, 0.2, 0.4, 0.6000000000000001};
    static const double d[] = {1000000, 1000000.2};
    static const double e[] = {0.002, 0.0125};

    CHECK(onc_plot_tick_decimals(a, 5) == 2);
    CHECK(onc_plot_tick_decimals(b, 4) == 0);
    CHECK(onc_plot_tick_decimals(c, 4) == 1);   /* pretty()'s 0.6000...01 prints as 0.6 */
    CHECK(onc_plot_tick_decimals(d, 2) == 1);
    CHECK(onc_plot_tick_decimals(e, 2) == 4);
    CHECK(onc_plot_tick_decimals(NULL, 0) == 0);
}

static void test_palette_and_formats(void)
{
    onc_plot_color c0 = onc_plot_palette(0), c8 = onc_plot_palette(8), c;
    size_t i, j;

    /* Okabe-Ito blue #0072B2 leads */
    CHECK_CLOSE(c0.r, 0, 0);
    CHECK_CLOSE(c0.g, 0x72 / 255.0, 1e-15);
    CHECK_CLOSE(c0.b, 0xB2 / 255.0, 1e-15);
    CHECK(c0.a == 1);
    CHECK(c8.r == c0.r && c8.g == c0.g && c8.b == c0.b);
    for (i = 0; i < 8; i++)
        for (j = i + 1; j < 8; j++) {
            c = onc_plot_palette(j);
            CHECK(onc_plot_palette(i).r != c.r || onc_plot_palette(i).g != c.g ||
                  onc_plot_palette(i).b != c.b);
        }
    for (i = 0; i < 6; i++)
        for (j = i + 1; j < 6; j++)
            CHECK(onc_plot_group_dash(i) != onc_plot_group_dash(j));
    CHECK(onc_plot_group_dash(0) == ONC_PLOT_DASH_SOLID);

    CHECK(onc_plot_format_from_path("fig.png") == ONC_PLOT_FORMAT_PNG);
    CHECK(onc_plot_format_from_path("a/b.c/Fig.SVG") == ONC_PLOT_FORMAT_SVG);
    CHECK(onc_plot_format_from_path("x.pdf") == ONC_PLOT_FORMAT_PDF);
    CHECK(onc_plot_format_from_path("x.jpeg") == ONC_PLOT_FORMAT_UNKNOWN);
    CHECK(onc_plot_format_from_path("dir.png/figure") == ONC_PLOT_FORMAT_UNKNOWN);
    CHECK(onc_plot_format_from_path("png") == ONC_PLOT_FORMAT_UNKNOWN);
    CHECK(onc_plot_format_from_path(NULL) == ONC_PLOT_FORMAT_UNKNOWN);
}

/* Panel mapping, by hand: 100..500 pt for 0..40, and a log panel 0.1..10. */
static void test_panel(void)
{
    onc_plot_panel p;

    memset(&p, 0, sizeof p);
    p.left = 100;
    p.right = 500;
    p.top = 50;
    p.bottom = 250;
    p.x_min = 0;
    p.x_max = 40;
    p.y_min = 0;
    p.y_max = 1;
    CHECK_CLOSE(onc_plot_panel_x(&p, 10), 200, 1e-12);
    CHECK_CLOSE(onc_plot_panel_y(&p, 0.25), 200, 1e-12);
    p.x_log = 1;
    p.x_min = 0.1;
    p.x_max = 10;
    CHECK_CLOSE(onc_plot_panel_x(&p, 1), 300, 1e-12);
    CHECK_CLOSE(onc_plot_panel_x(&p, 0.1), 100, 1e-12);
    CHECK(isnan(onc_plot_panel_x(&p, 0)));
}

/*
** A KM axis with a tick every week over 200 weeks on a 3.5 in figure:
** labels must be thinned (and numbers at risk with them) so that no two
** texts touch, and every kept tick still has its number right under it.
*/
static void test_thinning(void)
{
    double t[3] = {50, 120, 200}, st[3] = {1, 0, 1};
    double step_t[3] = {0, 50, 200}, step_s[3] = {1, 0.6667, 0};
    double breaks[201];
    onc_plot_curve c;
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    size_t i, j, ticks = 0, labels = 0;

    for (i = 0; i <= 200; i++)
        breaks[i] = (double)i;
    memset(&c, 0, sizeof c);
    c.label = "Arm";
    c.n_steps = 3;
    c.time = step_t;
    c.surv = step_s;
    c.median = NAN;
    c.n_obs = 3;
    c.obs_time = t;
    c.obs_status = st;
    onc_plot_km_options_init(&opt);
    opt.breaks = breaks;
    opt.n_breaks = 200;       /* the cap is ONC_PLOT_MAX_BREAKS */
    opt.width_in = 3.5;
    CHECK(onc_plot_km_build(&c, 1, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *a = &l->ops[i];

        ticks += a->role == ONC_PLOT_ROLE_TICK && a->group == 0;
        labels += a->role == ONC_PLOT_ROLE_TICK_LABEL && a->group == 0;
        if (a->kind != ONC_PLOT_OP_TEXT)
            continue;
        for (j = i + 1; j < l->n_ops; j++) {
            const onc_plot_op *b = &l->ops[j];

            if (b->kind == ONC_PLOT_OP_TEXT)
                CHECK(!(fmin(a->box.x1, b->box.x1) - fmax(a->box.x0, b->box.x0) > 0.01 &&
                        fmin(a->box.y1, b->box.y1) - fmax(a->box.y0, b->box.y0) > 0.01));
        }
    }
    CHECK(ticks > 1 && ticks < 40);
    CHECK(labels == ticks);
    /* the kept ticks are equally spaced multiples of the stride */
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *a = &l->ops[i];

        if (a->role == ONC_PLOT_ROLE_ATRISK) {
            for (j = 0; j < l->n_ops; j++)
                if (l->ops[j].role == ONC_PLOT_ROLE_TICK && l->ops[j].group == 0 &&
                    l->ops[j].index == a->index)
                    CHECK_CLOSE(a->x[0], l->ops[j].x[0], 1e-9);
        }
    }
    onc_plot_list_free(l);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_plot_axis");
    test_pretty(g);
    test_pretty_errors();
    test_time_breaks();
    test_log_breaks();
    test_tick_decimals();
    test_palette_and_formats();
    test_panel();
    test_thinning();
    golden_free(g);
    return harness_finish();
}
