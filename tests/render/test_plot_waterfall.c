/*
** test_plot_waterfall.c -- the waterfall plot's display list: bars sorted
** by decreasing best change (ties in input order), heights and colours,
** the threshold lines of RECIST (+20/-30) and Choi (+10/-10), the cap with
** its arrows, identifiers, legend order, errors and the PNG file.
** The expected order is worked out by hand next to the data.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/plot.h"

/*
**   input   A     B     C    D      E     F   G    H
**   change  12.5  -45   30   -100   -45   0   80   -12
**   best    SD    PR    PD   CR     PR    SD  PD   SD
** Sorted, largest increase first, B before E (input order):
**           G(80) C(30) A(12.5) F(0) H(-12) B(-45) E(-45) D(-100)
*/
static const onc_plot_waterfall_bar bars[8] = {
    {"A", 12.5, "SD"}, {"B", -45, "PR"}, {"C", 30, "PD"}, {"D", -100, "CR"},
    {"E", -45, "PR"}, {"F", 0, "SD"}, {"G", 80, "PD"}, {"H", -12, "SD"},
};
static const size_t sorted[8] = {6, 2, 0, 5, 7, 1, 4, 3};
static const char *const categories[4] = {"CR", "PR", "SD", "PD"};
static const long category_of[8] = {2, 1, 3, 0, 1, 2, 3, 2};

static size_t count_role(const onc_plot_list *l, onc_plot_role role)
{
    size_t i, n = 0;

    for (i = 0; i < l->n_ops; i++)
        n += l->ops[i].role == role;
    return n;
}

static void check_text_layout(const onc_plot_list *l)
{
    size_t i, j, bad = 0;

    for (i = 0; i < l->n_ops; i++) {
        onc_plot_box a = l->ops[i].box;

        if (l->ops[i].kind != ONC_PLOT_OP_TEXT)
            continue;
        if (a.x0 < -0.01 || a.y0 < -0.01 || a.x1 > l->width + 0.01 ||
            a.y1 > l->height + 0.01) {
            fprintf(stderr, "'%s' is off the page\n", l->ops[i].text);
            bad++;
        }
        for (j = i + 1; j < l->n_ops; j++) {
            onc_plot_box b = l->ops[j].box;

            if (l->ops[j].kind == ONC_PLOT_OP_TEXT &&
                fmin(a.x1, b.x1) - fmax(a.x0, b.x0) > 0.01 &&
                fmin(a.y1, b.y1) - fmax(a.y0, b.y0) > 0.01) {
                fprintf(stderr, "'%s' overlaps '%s'\n", l->ops[i].text, l->ops[j].text);
                bad++;
            }
        }
    }
    CHECK(bad == 0);
}

static void test_recist(void)
{
    onc_plot_waterfall_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    size_t i, k = 0, n_ref = 0;
    double last_x = -INFINITY;

    memset(&opt, 0, sizeof opt);
    opt.categories = categories;
    opt.n_categories = 4;
    opt.show_ids = 1;
    CHECK(onc_plot_waterfall_build(bars, 8, &opt, &l, &err) == ONC_OK);
    if (l == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK(count_role(l, ONC_PLOT_ROLE_BAR) == 8);
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *op = &l->ops[i];
        onc_plot_color want;
        double v;

        if (op->role != ONC_PLOT_ROLE_BAR || k >= 8)
            continue;
        CHECK(op->index == (long)sorted[k]);
        v = bars[op->index >= 0 && op->index < 8 ? op->index : 0].change;
        /* left to right, and from zero to the change */
        CHECK((op->box.x0 + op->box.x1) / 2 > last_x);
        last_x = (op->box.x0 + op->box.x1) / 2;
        CHECK_CLOSE(op->box.y0, onc_plot_panel_y(&l->panel, fmax(v, 0)), 1e-9);
        CHECK_CLOSE(op->box.y1, onc_plot_panel_y(&l->panel, fmin(v, 0)), 1e-9);
        /* colour follows the category's place in opt.categories */
        CHECK(op->group == category_of[sorted[k]]);
        want = onc_plot_palette((size_t)category_of[sorted[k]]);
        CHECK(op->fill.r == want.r && op->fill.g == want.g && op->fill.b == want.b);
        k++;
    }
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *op = &l->ops[i];

        if (op->role == ONC_PLOT_ROLE_REFERENCE && op->kind == ONC_PLOT_OP_LINE) {
            CHECK_CLOSE(op->y[0], onc_plot_panel_y(&l->panel, op->group == 0 ? 20 : -30), 1e-9);
            CHECK(op->dash == ONC_PLOT_DASH_DASHED);
            n_ref++;
        }
        if (op->role == ONC_PLOT_ROLE_LEGEND && op->group >= 0 && op->group < 4)
            CHECK_STR(op->text, categories[op->group]);
    }
    CHECK(n_ref == 2);
    CHECK(count_role(l, ONC_PLOT_ROLE_LEGEND) == 4);
    /* the axis reaches -100 and 80 */
    CHECK(l->panel.y_min <= -100 && l->panel.y_max >= 80);
    CHECK(count_role(l, ONC_PLOT_ROLE_ITEM_LABEL) == 8);
    CHECK(count_role(l, ONC_PLOT_ROLE_ARROW) == 0);
    check_text_layout(l);
    onc_plot_list_free(l);
}

/* Choi lines at +10/-10; a cap at 50 cuts bar G and marks it. */
static void test_choi_cap(void)
{
    onc_plot_waterfall_options opt;
    onc_plot_list *l = NULL;
    size_t i, n_ref = 0, n_arrow = 0;

    memset(&opt, 0, sizeof opt);
    opt.criteria = ONC_PLOT_CRITERIA_CHOI;
    opt.y_max = 50;
    CHECK(onc_plot_waterfall_build(bars, 8, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    CHECK_CLOSE(l->panel.y_max, 50, 0);
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *op = &l->ops[i];

        if (op->role == ONC_PLOT_ROLE_REFERENCE && op->kind == ONC_PLOT_OP_LINE) {
            CHECK_CLOSE(op->y[0], onc_plot_panel_y(&l->panel, op->group == 0 ? 10 : -10), 1e-9);
            n_ref++;
        }
        if (op->role == ONC_PLOT_ROLE_BAR && op->index == 6)
            CHECK_CLOSE(op->box.y0, l->panel.top, 1e-9);
        if (op->role == ONC_PLOT_ROLE_ARROW) {
            CHECK(op->index == 6 && op->marker == ONC_PLOT_MARKER_ARROW_UP);
            n_arrow++;
        }
    }
    CHECK(n_ref == 2);
    CHECK(n_arrow == 1);
    /* categories in order of appearance: SD PR PD CR */
    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == ONC_PLOT_ROLE_LEGEND && l->ops[i].group == 0)
            CHECK_STR(l->ops[i].text, "SD");
    check_text_layout(l);
    onc_plot_list_free(l);

    opt.criteria = ONC_PLOT_CRITERIA_NONE;
    opt.y_max = 0;
    CHECK(onc_plot_waterfall_build(bars, 8, &opt, &l, NULL) == ONC_OK);
    if (l != NULL)
        CHECK(count_role(l, ONC_PLOT_ROLE_REFERENCE) == 0);
    onc_plot_list_free(l);
}

/* 600 patients: identifiers cannot fit and are left out; nothing collides. */
static void test_many(void)
{
    enum { N = 600 };
    onc_plot_waterfall_bar *many = calloc(N, sizeof *many);
    char (*ids)[16] = calloc(N, sizeof *ids);
    onc_plot_waterfall_options opt;
    onc_plot_list *l = NULL;
    size_t i;

    if (many == NULL || ids == NULL) {
        CHECK(0);
        free(many);
        free(ids);
        return;
    }
    for (i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "PT-%04zu", i);
        many[i].id = ids[i];
        many[i].change = fmod((double)i * 37.0, 170.0) - 100.0;
        many[i].category = many[i].change > 20 ? "PD" : many[i].change <= -30 ? "PR" : "SD";
    }
    memset(&opt, 0, sizeof opt);
    opt.show_ids = 1;
    CHECK(onc_plot_waterfall_build(many, N, &opt, &l, NULL) == ONC_OK);
    if (l != NULL) {
        double prev = INFINITY;

        CHECK(count_role(l, ONC_PLOT_ROLE_ITEM_LABEL) == 0);
        CHECK(count_role(l, ONC_PLOT_ROLE_BAR) == N);
        for (i = 0; i < l->n_ops; i++)
            if (l->ops[i].role == ONC_PLOT_ROLE_BAR) {
                double v = many[l->ops[i].index].change;

                CHECK(v <= prev);
                prev = v;
            }
        check_text_layout(l);
    }
    onc_plot_list_free(l);
    free(many);
    free(ids);
}

/* One category per patient: 20 legend entries flow in rows under the panel. */
static void test_many_categories(void)
{
    onc_plot_waterfall_bar b[20];
    char names[20][24];
    onc_plot_list *l = NULL;
    size_t i, legends = 0;

    for (i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "Centre %zu", i + 1);
        b[i].id = NULL;
        b[i].change = 40.0 - 6.0 * (double)i;
        b[i].category = names[i];
    }
    CHECK(onc_plot_waterfall_build(b, 20, NULL, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == ONC_PLOT_ROLE_LEGEND) {
            CHECK(l->ops[i].box.y0 >= l->panel.bottom);
            legends++;
        }
    CHECK(legends == 20);
    check_text_layout(l);
    onc_plot_list_free(l);
}

static void test_errors(void)
{
    onc_plot_waterfall_bar bad[2] = {{"P01", 10, "SD"}, {"P02", NAN, "SD"}};
    onc_plot_waterfall_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    static const char *const only_pr[1] = {"PR"};

    CHECK(onc_plot_waterfall_build(bad, 2, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "patient 'P02'") != NULL);
    bad[1].change = -130;
    CHECK(onc_plot_waterfall_build(bad, 2, NULL, &l, &err) == ONC_ERR_USAGE);
    bad[1].change = -20;
    memset(&opt, 0, sizeof opt);
    opt.categories = only_pr;
    opt.n_categories = 1;
    CHECK(onc_plot_waterfall_build(bad, 2, &opt, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "category 'SD'") != NULL);
    CHECK(onc_plot_waterfall_build(bad, 0, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_waterfall(bad, 2, NULL, "/tmp/w.bmp", &err) == ONC_ERR_USAGE);
    CHECK(l == NULL);
}

static void test_file(void)
{
    char dir[] = "/tmp/onc_plot_waterfall_XXXXXX", path[512];
    unsigned char head[8] = {0};
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    onc_error err;
    FILE *fp;

    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/waterfall.png", dir);
    CHECK(onc_plot_waterfall(bars, 8, NULL, path, &err) == ONC_OK);
    fp = fopen(path, "rb");
    CHECK(fp != NULL && fread(head, 1, 8, fp) == 8 && memcmp(head, png, 8) == 0);
    if (fp != NULL)
        fclose(fp);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    harness_set_name("test_plot_waterfall");
    test_recist();
    test_choi_cap();
    test_many();
    test_many_categories();
    test_errors();
    test_file();
    return harness_finish();
}
