/*
** test_plot_km.c -- the Kaplan-Meier figure's display list, checked
** against R survival (tests/golden/render/plot_km.R): step positions,
** censor marks, medians, curve ends for min_at_risk, and the numbers at
** risk / cumulative events / censored of summary(survfit, times) placed
** exactly under the ticks.  Also: no two texts overlap, errors, and the
** PNG/SVG/PDF files.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/plot.h"

#define GOLDEN "tests/golden/render/plot_km.txt"

typedef struct golden_curve {
    onc_plot_curve c;
    const double *atrisk, *events_cum, *censored_cum, *grid_atrisk;
    size_t n_atrisk, n_grid;
    double cut10;
} golden_curve;

static const double *need(golden *g, const char *prefix, const char *key, size_t *n)
{
    char name[128];

    snprintf(name, sizeof name, "%s_%s", prefix, key);
    return golden_get(g, name, n);
}

static golden_curve load_curve(golden *g, const char *prefix, const char *label)
{
    golden_curve gc;
    size_t n, n2;
    const double *v;

    memset(&gc, 0, sizeof gc);
    gc.c.label = label;
    gc.c.time = need(g, prefix, "time", &gc.c.n_steps);
    gc.c.surv = need(g, prefix, "surv", &n);
    CHECK(n == gc.c.n_steps);
    gc.c.lower = need(g, prefix, "lower", &n);
    gc.c.upper = need(g, prefix, "upper", &n2);
    CHECK(n == gc.c.n_steps && n2 == gc.c.n_steps);
    gc.c.censor_time = need(g, prefix, "censor_time", &gc.c.n_censor);
    gc.c.censor_surv = need(g, prefix, "censor_surv", &n);
    CHECK(n == gc.c.n_censor);
    v = need(g, prefix, "median", &n);
    gc.c.median = n == 1 ? v[0] : NAN;
    gc.c.obs_time = need(g, prefix, "obs_time", &gc.c.n_obs);
    gc.c.obs_status = need(g, prefix, "obs_status", &n);
    CHECK(n == gc.c.n_obs);
    gc.atrisk = need(g, prefix, "atrisk", &gc.n_atrisk);
    gc.events_cum = need(g, prefix, "events_cum", &n);
    gc.censored_cum = need(g, prefix, "censored_cum", &n);
    v = need(g, prefix, "cut10", &n);
    gc.cut10 = n == 1 ? v[0] : NAN;
    if (golden_has(g, "lung_grid") || golden_has(g, "aml_grid")) {
        char key[64];

        snprintf(key, sizeof key, "%s_grid_atrisk", prefix);
        if (golden_has(g, key))
            gc.grid_atrisk = golden_get(g, key, &gc.n_grid);
    }
    return gc;
}

/* ---- display-list queries ---- */

static const onc_plot_op *find(const onc_plot_list *l, onc_plot_role role, long group,
                               long index, size_t *count)
{
    const onc_plot_op *hit = NULL;
    size_t i;

    *count = 0;
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *op = &l->ops[i];

        if (op->role == role && op->group == group && op->index == index) {
            if (hit == NULL)
                hit = op;
            (*count)++;
        }
    }
    return hit;
}

static size_t count_role(const onc_plot_list *l, onc_plot_role role, long group)
{
    size_t i, n = 0;

    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == role && (group < -1 || l->ops[i].group == group))
            n++;
    return n;
}

/* Every pair of text boxes is disjoint and every box is on the page. */
static void check_text_layout(const onc_plot_list *l, const char *what)
{
    size_t i, j, overlaps = 0, off_page = 0;

    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_box a = l->ops[i].box;

        if (l->ops[i].kind != ONC_PLOT_OP_TEXT)
            continue;
        if (a.x0 < -0.01 || a.y0 < -0.01 || a.x1 > l->width + 0.01 || a.y1 > l->height + 0.01) {
            off_page++;
            fprintf(stderr, "%s: text '%s' off the page\n", what, l->ops[i].text);
        }
        for (j = i + 1; j < l->n_ops; j++) {
            const onc_plot_box b = l->ops[j].box;

            if (l->ops[j].kind != ONC_PLOT_OP_TEXT)
                continue;
            if (fmin(a.x1, b.x1) - fmax(a.x0, b.x0) > 0.01 &&
                fmin(a.y1, b.y1) - fmax(a.y0, b.y0) > 0.01) {
                overlaps++;
                fprintf(stderr, "%s: '%s' overlaps '%s'\n", what, l->ops[i].text,
                        l->ops[j].text);
            }
        }
    }
    CHECK(overlaps == 0);
    CHECK(off_page == 0);
}

/* The number printed in row `role` under tick j of group g. */
static void check_number(const onc_plot_list *l, onc_plot_role role, long g, long j,
                         double expected)
{
    size_t n, nt;
    const onc_plot_op *op = find(l, role, g, j, &n);
    const onc_plot_op *tick = find(l, ONC_PLOT_ROLE_TICK, 0, j, &nt);
    char want[32];

    CHECK(n == 1);
    CHECK(nt == 1);
    if (op == NULL || tick == NULL)
        return;
    snprintf(want, sizeof want, "%.0f", expected);
    CHECK_STR(op->text, want);
    /* centred exactly on the tick */
    CHECK(op->halign == ONC_PLOT_HALIGN_CENTER);
    CHECK_CLOSE(op->x[0], tick->x[0], 1e-9);
    CHECK_CLOSE((op->box.x0 + op->box.x1) / 2, tick->x[0], 1e-9);
}

/* The curve polyline: starts at (0, 1), drops exactly at the step times,
** ends at t_end. */
static void check_curve(const onc_plot_list *l, const onc_plot_curve *c, long g, double t_end,
                        int incidence)
{
    const onc_plot_panel *p = &l->panel;
    size_t n, i, k, drops = 0;
    const onc_plot_op *op = find(l, ONC_PLOT_ROLE_CURVE, g, -1, &n);
    double level = 1;

    CHECK(n == 1);
    if (op == NULL)
        return;
    CHECK(op->kind == ONC_PLOT_OP_LINE);
    CHECK_CLOSE(op->x[0], onc_plot_panel_x(p, 0), 1e-9);
    CHECK_CLOSE(op->y[0], onc_plot_panel_y(p, incidence ? 0 : 1), 1e-9);
    CHECK_CLOSE(op->x[op->n_points - 1], onc_plot_panel_x(p, t_end), 1e-9);
    /* each change of S is a vertical pair of points at the step's time */
    k = 1;
    for (i = 1; i < c->n_steps && c->time[i] <= t_end; i++) {
        if (c->surv[i] == level)
            continue;
        if (k + 1 >= op->n_points) {
            CHECK(0);
            return;
        }
        CHECK_CLOSE(op->x[k], onc_plot_panel_x(p, c->time[i]), 1e-9);
        CHECK_CLOSE(op->x[k + 1], op->x[k], 0);
        CHECK_CLOSE(op->y[k], onc_plot_panel_y(p, incidence ? 1 - level : level), 1e-9);
        CHECK_CLOSE(op->y[k + 1], onc_plot_panel_y(p, incidence ? 1 - c->surv[i] : c->surv[i]),
                    1e-9);
        level = c->surv[i];
        k += 2;
        drops++;
    }
    CHECK(op->n_points == 2 * drops + 2);
}

static size_t censor_marks_expected(const onc_plot_curve *c, double t_end)
{
    size_t i, n = 0;

    for (i = 0; i < c->n_censor; i++)
        if (c->censor_time[i] <= t_end)
            n++;
    return n;
}

static void check_censor(const onc_plot_list *l, const onc_plot_curve *c, long g, double t_end)
{
    size_t i, k = 0, n;

    CHECK(count_role(l, ONC_PLOT_ROLE_CENSOR, g) == censor_marks_expected(c, t_end));
    for (i = 0; i < c->n_censor; i++) {
        const onc_plot_op *op;

        if (c->censor_time[i] > t_end)
            continue;
        op = find(l, ONC_PLOT_ROLE_CENSOR, g, (long)k++, &n);
        CHECK(n == 1);
        if (op == NULL)
            continue;
        CHECK(op->kind == ONC_PLOT_OP_MARKER);
        CHECK_CLOSE(op->x[0], onc_plot_panel_x(&l->panel, c->censor_time[i]), 1e-9);
        CHECK_CLOSE(op->y[0], onc_plot_panel_y(&l->panel, c->censor_surv[i]), 1e-9);
    }
}

static double tick_value(const onc_plot_list *l, long j)
{
    size_t n;
    const onc_plot_op *op = find(l, ONC_PLOT_ROLE_TICK_LABEL, 0, j, &n);

    return op != NULL ? strtod(op->text, NULL) : NAN;
}

/* ---- cases ---- */

/* lung by sex with the breaks R used: the KMunicate table row by row. */
static void test_lung_kmunicate(golden *g)
{
    golden_curve gc[2];
    onc_plot_curve curves[2];
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    size_t nb, j, k, n;
    const double *breaks = golden_get(g, "lung_breaks", &nb);

    gc[0] = load_curve(g, "lung1", "Male");
    gc[1] = load_curve(g, "lung2", "Female");
    curves[0] = gc[0].c;
    curves[1] = gc[1].c;
    onc_plot_km_options_init(&opt);
    opt.time_unit = "months";
    opt.breaks = breaks;
    opt.n_breaks = nb;
    opt.kmunicate = 1;
    opt.show_ci = 1;
    opt.show_median = 1;
    opt.annotation = "Log-rank P = 0.0013\nHR 0.59 (95% CI 0.42\xE2\x80\x93" "0.82)";
    CHECK(onc_plot_km_build(curves, 2, &opt, &l, &err) == ONC_OK);
    if (l == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK_CLOSE(l->width, 7 * 72, 1e-9);
    CHECK(count_role(l, ONC_PLOT_ROLE_TICK, 0) == nb);
    for (j = 0; j < nb; j++) {
        const onc_plot_op *tick = find(l, ONC_PLOT_ROLE_TICK, 0, (long)j, &n);

        CHECK(n == 1);
        if (tick != NULL)
            CHECK_CLOSE(tick->x[0], onc_plot_panel_x(&l->panel, breaks[j]), 1e-9);
        CHECK_CLOSE(tick_value(l, (long)j), breaks[j], 0);
    }
    for (k = 0; k < 2; k++) {
        CHECK(gc[k].n_atrisk == nb);
        for (j = 0; j < nb && j < gc[k].n_atrisk; j++) {
            check_number(l, ONC_PLOT_ROLE_ATRISK, (long)k, (long)j, gc[k].atrisk[j]);
            check_number(l, ONC_PLOT_ROLE_EVENTS, (long)k, (long)j, gc[k].events_cum[j]);
            check_number(l, ONC_PLOT_ROLE_CENSORED, (long)k, (long)j, gc[k].censored_cum[j]);
        }
        /* the axis runs to 36 months, past every observation */
        {
            double last = 0;

            for (j = 0; j < curves[k].n_obs; j++)
                last = fmax(last, curves[k].obs_time[j]);
            check_curve(l, &curves[k], (long)k, last, 0);
            check_censor(l, &curves[k], (long)k, last);
        }
        /* the median guide drops at R's median */
        {
            const onc_plot_op *v = find(l, ONC_PLOT_ROLE_MEDIAN, (long)k, 1, &n);

            CHECK(n == 1);
            if (v != NULL) {
                CHECK_CLOSE(v->x[0], onc_plot_panel_x(&l->panel, curves[k].median), 1e-9);
                CHECK_CLOSE(v->y[0], onc_plot_panel_y(&l->panel, 0.5), 1e-9);
                CHECK_CLOSE(v->y[1], l->panel.bottom, 1e-9);
                CHECK(v->dash != ONC_PLOT_DASH_SOLID);
            }
        }
        CHECK(count_role(l, ONC_PLOT_ROLE_CI_BAND, (long)k) >= 1);
        /* three labelled rows per group */
        CHECK(count_role(l, ONC_PLOT_ROLE_RISK_LABEL, (long)k) == 4);
    }
    {
        const onc_plot_op *a = find(l, ONC_PLOT_ROLE_LEGEND, 0, -1, &n);

        CHECK(n == 1 && a != NULL && strcmp(a->text, "Male (n = 138)") == 0);
        a = find(l, ONC_PLOT_ROLE_LEGEND, 1, -1, &n);
        CHECK(n == 1 && a != NULL && strcmp(a->text, "Female (n = 90)") == 0);
        a = find(l, ONC_PLOT_ROLE_ANNOTATION, -1, -1, &n);
        CHECK(n == 1);
        if (a != NULL) {
            CHECK(a->box.x0 >= l->panel.left && a->box.x1 <= l->panel.right);
            CHECK(a->box.y0 >= l->panel.top && a->box.y1 <= l->panel.bottom);
        }
    }
    /* groups differ in colour and in dash, so they survive greyscale print */
    {
        const onc_plot_op *c0 = find(l, ONC_PLOT_ROLE_CURVE, 0, -1, &n);
        const onc_plot_op *c1 = find(l, ONC_PLOT_ROLE_CURVE, 1, -1, &n);

        CHECK(c0 != NULL && c1 != NULL && c0->dash != c1->dash);
        CHECK(c0 != NULL && c1 != NULL &&
              (c0->stroke.r != c1->stroke.r || c0->stroke.g != c1->stroke.g));
    }
    check_text_layout(l, "lung kmunicate");
    onc_plot_list_free(l);
}

/* min_at_risk = 10 stops each curve at R's last time with >= 10 at risk;
** the automatic month breaks then end at 24. */
static void test_lung_min_at_risk(golden *g)
{
    golden_curve gc[2];
    onc_plot_curve curves[2];
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    size_t k, j, nticks;

    gc[0] = load_curve(g, "lung1", "Male");
    gc[1] = load_curve(g, "lung2", "Female");
    curves[0] = gc[0].c;
    curves[1] = gc[1].c;
    onc_plot_km_options_init(&opt);
    opt.time_unit = "months";
    opt.min_at_risk = 10;
    CHECK(onc_plot_km_build(curves, 2, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    nticks = count_role(l, ONC_PLOT_ROLE_TICK, 0);
    CHECK(nticks == 9);                               /* 0, 3, ..., 24 */
    CHECK_CLOSE(tick_value(l, (long)nticks - 1), 24, 0);
    CHECK_CLOSE(l->panel.x_max, 24, 0);
    for (k = 0; k < 2; k++) {
        check_curve(l, &curves[k], (long)k, gc[k].cut10, 0);
        check_censor(l, &curves[k], (long)k, gc[k].cut10);
        for (j = 0; j < nticks; j++) {
            double t = tick_value(l, (long)j);

            CHECK(t == floor(t) && t < (double)gc[k].n_grid);
            if (t == floor(t) && t >= 0 && t < (double)gc[k].n_grid)
                check_number(l, ONC_PLOT_ROLE_ATRISK, (long)k, (long)j,
                             gc[k].grid_atrisk[(size_t)t]);
        }
        /* without kmunicate there are no event or censored rows */
        CHECK(count_role(l, ONC_PLOT_ROLE_EVENTS, (long)k) == 0);
    }
    check_text_layout(l, "lung min_at_risk");
    onc_plot_list_free(l);
}

/* aml in weeks, cumulative incidence, percent axis: week breaks of 26;
** the band of the group whose S reaches 0 stops where R's limits are NA. */
static void test_aml_incidence(golden *g)
{
    golden_curve gc[2];
    onc_plot_curve curves[2];
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    size_t k, j, n, nticks, i;
    static const char *const ylabels[5] = {"0", "25", "50", "75", "100"};

    gc[0] = load_curve(g, "aml1", "Maintained");
    gc[1] = load_curve(g, "aml2", "Nonmaintained");
    curves[0] = gc[0].c;
    curves[1] = gc[1].c;
    onc_plot_km_options_init(&opt);
    opt.time_unit = "weeks";
    opt.cumulative_incidence = 1;
    opt.y_percent = 1;
    opt.show_ci = 1;
    CHECK(onc_plot_km_build(curves, 2, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    nticks = count_role(l, ONC_PLOT_ROLE_TICK, 0);
    CHECK(nticks == 8);                               /* 0, 26, ..., 182 */
    for (j = 0; j < nticks; j++) {
        CHECK_CLOSE(tick_value(l, (long)j), 26.0 * (double)j, 0);
        for (k = 0; k < 2; k++)
            if (26 * j < gc[k].n_grid)
                check_number(l, ONC_PLOT_ROLE_ATRISK, (long)k, (long)j,
                             gc[k].grid_atrisk[26 * j]);
    }
    for (i = 0; i < 5; i++) {
        const onc_plot_op *op = find(l, ONC_PLOT_ROLE_TICK_LABEL, 1, (long)i, &n);

        CHECK(op != NULL && strcmp(op->text, ylabels[i]) == 0);
    }
    for (k = 0; k < 2; k++) {
        double last = 0;

        for (j = 0; j < curves[k].n_obs; j++)
            last = fmax(last, curves[k].obs_time[j]);
        check_curve(l, &curves[k], (long)k, last, 1);
    }
    /* Nonmaintained: S = 0 at week 45 has NA limits; the band ends there. */
    {
        const onc_plot_op *band = find(l, ONC_PLOT_ROLE_CI_BAND, 1, -1, &n);
        double xmax = -INFINITY;

        CHECK(n == 1);
        if (band != NULL) {
            for (i = 0; i < band->n_points; i++)
                xmax = fmax(xmax, band->x[i]);
            CHECK_CLOSE(xmax, onc_plot_panel_x(&l->panel, 45), 1e-9);
        }
    }
    check_text_layout(l, "aml incidence");
    onc_plot_list_free(l);
}

/*
** A million observations, wide numbers and a tick every month on a narrow
** figure: the layout must thin the ticks (keeping the numbers under them)
** rather than let texts collide.  Counts checked against a direct count.
*/
static void test_crowded_axis(void)
{
    enum { N = 1000000 };
    double *t = malloc(N * sizeof *t), *st = malloc(N * sizeof *st);
    double step_t[2] = {0, 40}, step_s[2] = {1, 0.5}, breaks[41];
    onc_plot_curve c;
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    size_t i, j, nticks;
    unsigned long long x = 88172645463325252ULL;

    if (t == NULL || st == NULL) {
        CHECK(0);
        free(t);
        free(st);
        return;
    }
    for (i = 0; i < N; i++) {
        /* xorshift: reproducible uniform times on [0, 40) */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t[i] = 40.0 * (double)(x >> 11) / 9007199254740992.0;
        st[i] = (double)(x & 1);
    }
    for (j = 0; j <= 40; j++)
        breaks[j] = (double)j;
    memset(&c, 0, sizeof c);
    c.label = "All patients";
    c.n_steps = 2;
    c.time = step_t;
    c.surv = step_s;
    c.median = NAN;
    c.n_obs = N;
    c.obs_time = t;
    c.obs_status = st;
    onc_plot_km_options_init(&opt);
    opt.kmunicate = 1;
    opt.breaks = breaks;
    opt.n_breaks = 41;
    opt.width_in = 3.5;
    CHECK(onc_plot_km_build(&c, 1, &opt, &l, NULL) == ONC_OK);
    if (l != NULL) {
        nticks = count_role(l, ONC_PLOT_ROLE_TICK, 0);
        CHECK(nticks > 1 && nticks < 41);
        for (j = 0; j < nticks; j++) {
            double b = tick_value(l, (long)j);
            size_t at_risk = 0, events = 0;

            for (i = 0; i < N; i++) {
                at_risk += t[i] >= b;
                events += t[i] <= b && st[i] == 1;
            }
            check_number(l, ONC_PLOT_ROLE_ATRISK, 0, (long)j, (double)at_risk);
            check_number(l, ONC_PLOT_ROLE_EVENTS, 0, (long)j, (double)events);
        }
        check_text_layout(l, "crowded axis");
    }
    onc_plot_list_free(l);
    free(t);
    free(st);
}

/* Twelve curves on a 3 in figure: the legend cannot sit inside the panel
** and flows in rows above it, still clear of every other text. */
static void test_many_curves(golden *g)
{
    golden_curve gc = load_curve(g, "aml1", "x");
    onc_plot_curve curves[12];
    char labels[12][32];
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    size_t k, i, legends = 0;

    for (k = 0; k < 12; k++) {
        snprintf(labels[k], sizeof labels[k], "Centre %zu", k + 1);
        curves[k] = gc.c;
        curves[k].label = labels[k];
    }
    onc_plot_km_options_init(&opt);
    opt.height_in = 4.5;
    opt.time_unit = "weeks";
    CHECK(onc_plot_km_build(curves, 12, &opt, &l, &err) == ONC_OK);
    if (l == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK_CLOSE(l->height, 4.5 * 72, 1e-9);
    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == ONC_PLOT_ROLE_LEGEND) {
            CHECK(l->ops[i].box.y1 <= l->panel.top);
            legends++;
        }
    CHECK(legends == 12);
    check_text_layout(l, "twelve curves");
    onc_plot_list_free(l);
}

/* ---- files ---- */

static int file_starts(const char *path, const void *magic, size_t n)
{
    unsigned char buf[16];
    FILE *fp = fopen(path, "rb");
    size_t got;

    if (fp == NULL)
        return 0;
    got = fread(buf, 1, n, fp);
    fclose(fp);
    return got == n && memcmp(buf, magic, n) == 0;
}

static unsigned long png_u32(const char *path, long offset)
{
    unsigned char b[4];
    FILE *fp = fopen(path, "rb");
    unsigned long v = 0;

    if (fp == NULL)
        return 0;
    if (fseek(fp, offset, SEEK_SET) == 0 && fread(b, 1, 4, fp) == 4)
        v = ((unsigned long)b[0] << 24) | ((unsigned long)b[1] << 16) |
            ((unsigned long)b[2] << 8) | b[3];
    fclose(fp);
    return v;
}

static void test_files(golden *g, const char *dir)
{
    golden_curve gc[2];
    onc_plot_curve curves[2];
    onc_plot_km_options opt;
    onc_plot_list *l = NULL;
    char path[512], tmp[520];
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    onc_error err;

    /* 经动脉化疗栓塞 (TACE) */
    gc[0] = load_curve(g, "aml1", "\xE7\xBB\x8F\xE5\x8A\xA8\xE8\x84\x89\xE5\x8C\x96\xE7\x96\x97"
                                  "\xE6\xA0\x93\xE5\xA1\x9E (TACE)");
    gc[1] = load_curve(g, "aml2", "Resection");
    curves[0] = gc[0].c;
    curves[1] = gc[1].c;
    onc_plot_km_options_init(&opt);
    opt.time_unit = "weeks";
    opt.title = "Overall survival";
    opt.show_ci = 1;
    CHECK(onc_plot_km_build(curves, 2, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    check_text_layout(l, "Chinese label");

    snprintf(path, sizeof path, "%s/km.png", dir);
    CHECK(onc_plot_list_write(l, path, &err) == ONC_OK);
    CHECK(file_starts(path, png_magic, 8));
    CHECK(png_u32(path, 16) == 2100);      /* 7 in at 300 dpi */
    CHECK(png_u32(path, 20) == (unsigned long)ceil(l->height / 72 * 300 - 1e-9));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(access(tmp, F_OK) != 0);         /* renamed, not left behind */
    remove(path);

    snprintf(path, sizeof path, "%s/km.SVG", dir);
    CHECK(onc_plot_list_write(l, path, &err) == ONC_OK);
    CHECK(file_starts(path, "<?xml", 5));
    remove(path);

    snprintf(path, sizeof path, "%s/km.pdf", dir);
    CHECK(onc_plot_km(curves, 2, &opt, path, &err) == ONC_OK);
    CHECK(file_starts(path, "%PDF-", 5));
    remove(path);

    snprintf(path, sizeof path, "%s/km.jpg", dir);
    CHECK(onc_plot_list_write(l, path, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, ".png, .svg or .pdf") != NULL);
    CHECK(access(path, F_OK) != 0);

    snprintf(path, sizeof path, "%s/no/such/dir/km.png", dir);
    CHECK(onc_plot_list_write(l, path, &err) == ONC_ERR_IO);
    onc_plot_list_free(l);
}

/* ---- errors ---- */

static void test_errors(golden *g)
{
    golden_curve gc = load_curve(g, "aml1", "TACE");
    onc_plot_curve c = gc.c, bad;
    onc_plot_list *l = NULL;
    onc_error err;
    double lower[11], status[11], time0[11], breaks[2] = {0, 0};
    size_t i;

    CHECK(onc_plot_km_build(NULL, 0, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "no curves") != NULL);
    CHECK(l == NULL);

    bad = c;
    bad.n_obs = 0;
    CHECK(onc_plot_km_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "'TACE'") != NULL && strstr(err.message, "no observations"));

    CHECK(c.n_steps <= 11);
    for (i = 0; i < c.n_steps; i++)
        lower[i] = c.lower[i];
    lower[6] = c.upper[6] + 0.01;
    bad = c;
    bad.lower = lower;
    CHECK(onc_plot_km_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "step 7") != NULL && strstr(err.message, "lower limit") != NULL);

    for (i = 0; i < c.n_obs && i < 11; i++)
        status[i] = c.obs_status[i];
    status[2] = 2;
    bad = c;
    bad.obs_status = status;
    CHECK(onc_plot_km_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "observation 3") != NULL);

    for (i = 0; i < c.n_steps; i++)
        time0[i] = c.time[i];
    time0[0] = 1;
    bad = c;
    bad.time = time0;
    CHECK(onc_plot_km_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "time 0") != NULL);

    bad = c;
    bad.label = "\xC3\x28";          /* broken UTF-8 */
    CHECK(onc_plot_km_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "UTF-8") != NULL);

    {
        onc_plot_km_options opt;

        onc_plot_km_options_init(&opt);
        opt.breaks = breaks;
        opt.n_breaks = 2;
        CHECK(onc_plot_km_build(&c, 1, &opt, &l, &err) == ONC_ERR_USAGE);
        CHECK(strstr(err.message, "break 2") != NULL);
        opt.n_breaks = 0;
        opt.width_in = 80;
        CHECK(onc_plot_km_build(&c, 1, &opt, &l, &err) == ONC_ERR_USAGE);
        opt.width_in = 7;
        opt.height_in = 1;
        CHECK(onc_plot_km_build(&c, 1, &opt, &l, &err) == ONC_ERR_USAGE);
        CHECK(strstr(err.message, "at least") != NULL);
    }
    CHECK(onc_plot_km(&c, 1, NULL, "/tmp/figure.gif", &err) == ONC_ERR_USAGE);
    CHECK(l == NULL);
    onc_plot_list_free(NULL);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);
    char dir[] = "/tmp/onc_plot_km_XXXXXX";

    harness_set_name("test_plot_km");
    test_lung_kmunicate(g);
    test_lung_min_at_risk(g);
    test_aml_incidence(g);
    test_crowded_axis();
    test_many_curves(g);
    if (mkdtemp(dir) != NULL) {
        test_files(g, dir);
        rmdir(dir);
    } else {
        CHECK(0);
    }
    test_errors(g);
    golden_free(g);
    return harness_finish();
}
