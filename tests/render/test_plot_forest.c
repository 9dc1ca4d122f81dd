/*
** test_plot_forest.c -- the forest plot's display list for the veteran
** trial's subgroup hazard ratios from R coxph (tests/golden/render/
** plot_forest.R): squares and intervals on the log axis, square areas
** proportional to events, reference and overall lines, the HR and P
** columns, arrows for intervals off the axis, errors and output files.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/plot.h"

#define GOLDEN "tests/golden/render/plot_forest.txt"
#define MAX_ROWS 16

/* Row labels in the order plot_forest.R writes them. */
static const char *const labels[15] = {
    "All patients", "Cell type", "Squamous", "Small cell", "Adeno", "Large",
    "Age", "< 60 years", "\xE2\x89\xA5 60 years", "Karnofsky score", "< 60", "\xE2\x89\xA5 60",
    "Prior therapy", "No", "Yes"
};

/* R's P for interaction (0.04175, 0.2390, 0.03559, 0.08731) as printed. */
static const char *const p_text[15] = {
    "", "0.04", "", "", "", "", "0.24", "", "", "0.04", "", "", "0.09", "", ""
};

static size_t load_rows(golden *g, onc_plot_forest_row *rows)
{
    size_t n, i, k;
    const double *v = golden_get(g, "n_rows", &n);
    size_t n_rows = v != NULL && n == 1 ? (size_t)v[0] : 0;

    CHECK(n_rows == 15);
    if (n_rows > 15)
        n_rows = 15;
    for (i = 0; i < n_rows; i++) {
        char key[16];

        snprintf(key, sizeof key, "row%zu", i + 1);
        v = golden_get(g, key, &k);
        CHECK(k == 8);
        memset(&rows[i], 0, sizeof rows[i]);
        if (v == NULL || k != 8)
            continue;
        rows[i].label = labels[i];
        rows[i].hr = v[0];
        rows[i].lower = v[1];
        rows[i].upper = v[2];
        rows[i].n = (size_t)v[3];
        rows[i].events = (size_t)v[4];
        rows[i].p_interaction = v[5];
        rows[i].is_header = v[6] == 1;
        rows[i].is_overall = v[7] == 1;
    }
    return n_rows;
}

static const onc_plot_op *find(const onc_plot_list *l, onc_plot_role role, long group,
                               long index, size_t *count)
{
    const onc_plot_op *hit = NULL;
    size_t i;

    *count = 0;
    for (i = 0; i < l->n_ops; i++) {
        const onc_plot_op *op = &l->ops[i];

        if (op->role == role && (group < -1 || op->group == group) && op->index == index) {
            if (hit == NULL)
                hit = op;
            (*count)++;
        }
    }
    return hit;
}

static void check_text_layout(const onc_plot_list *l, const char *what)
{
    size_t i, j, overlaps = 0, off_page = 0;

    for (i = 0; i < l->n_ops; i++) {
        onc_plot_box a = l->ops[i].box;

        if (l->ops[i].kind != ONC_PLOT_OP_TEXT)
            continue;
        if (a.x0 < -0.01 || a.y0 < -0.01 || a.x1 > l->width + 0.01 || a.y1 > l->height + 0.01)
            off_page++;
        for (j = i + 1; j < l->n_ops; j++) {
            onc_plot_box b = l->ops[j].box;

            if (l->ops[j].kind == ONC_PLOT_OP_TEXT &&
                fmin(a.x1, b.x1) - fmax(a.x0, b.x0) > 0.01 &&
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

/* Row centre on the page (rows counted from the top of the panel). */
static double row_y(const onc_plot_list *l, size_t i, size_t n_rows)
{
    return onc_plot_panel_y(&l->panel, (double)n_rows - (double)i - 0.5);
}

static void test_veteran(golden *g)
{
    onc_plot_forest_row rows[MAX_ROWS];
    size_t n_rows = load_rows(g, rows), i, n;
    onc_plot_forest_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    const onc_plot_op *op;
    double big_events = 0, big_size = 0;

    onc_plot_forest_options_init(&opt);
    opt.left_label = "Favours test";
    opt.right_label = "Favours standard";
    CHECK(onc_plot_forest_build(rows, n_rows, &opt, &l, &err) == ONC_OK);
    if (l == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK(l->panel.x_log == 1);
    /* the automatic axis covers every interval: 0.2 to 5 on the 1-2-5 scale */
    CHECK_CLOSE(l->panel.x_min, 0.2, 1e-15);
    CHECK_CLOSE(l->panel.x_max, 5, 0);

    for (i = 0; i < n_rows; i++) {
        const onc_plot_forest_row *r = &rows[i];
        const onc_plot_op *square = find(l, ONC_PLOT_ROLE_ESTIMATE, -2, (long)i, &n);
        size_t n_int;
        const onc_plot_op *line = find(l, ONC_PLOT_ROLE_INTERVAL, -2, (long)i, &n_int);
        const onc_plot_op *label = find(l, ONC_PLOT_ROLE_CELL, 0, (long)i, &n);

        CHECK(label != NULL && strcmp(label->text, r->label) == 0);
        if (label != NULL)
            CHECK(label->bold == r->is_header);
        if (r->is_header) {
            CHECK(square == NULL && line == NULL);
            /* P for interaction on the heading, rounded to two decimals */
            op = find(l, ONC_PLOT_ROLE_CELL, 4, (long)i, &n);
            CHECK(n == 1);
            CHECK(op != NULL && strcmp(op->text, p_text[i]) == 0);
            continue;
        }
        CHECK(square != NULL && line != NULL && n_int == 1);
        if (square == NULL || line == NULL)
            continue;
        /* log-scale positions of R's estimate and limits */
        CHECK_CLOSE(line->x[0], onc_plot_panel_x(&l->panel, r->lower), 1e-9);
        CHECK_CLOSE(line->x[1], onc_plot_panel_x(&l->panel, r->upper), 1e-9);
        CHECK_CLOSE(line->y[0], row_y(l, i, n_rows), 1e-9);
        if (r->is_overall) {
            /* diamond from the lower to the upper limit, widest at the HR */
            CHECK(square->kind == ONC_PLOT_OP_POLYGON && square->n_points == 4);
            CHECK_CLOSE(square->x[0], onc_plot_panel_x(&l->panel, r->lower), 1e-9);
            CHECK_CLOSE(square->x[1], onc_plot_panel_x(&l->panel, r->hr), 1e-9);
            CHECK_CLOSE(square->x[2], onc_plot_panel_x(&l->panel, r->upper), 1e-9);
        } else {
            CHECK(square->kind == ONC_PLOT_OP_MARKER && square->marker == ONC_PLOT_MARKER_SQUARE);
            CHECK_CLOSE(square->x[0], onc_plot_panel_x(&l->panel, r->hr), 1e-9);
            CHECK_CLOSE(square->y[0], row_y(l, i, n_rows), 1e-9);
            if ((double)r->events > big_events) {
                big_events = (double)r->events;
                big_size = square->size;
            }
        }
        /* HR (95% CI) column, two decimals and an en dash */
        {
            char want[64];

            snprintf(want, sizeof want, "%.2f (%.2f\xE2\x80\x93%.2f)", r->hr, r->lower, r->upper);
            op = find(l, ONC_PLOT_ROLE_CELL, 3, (long)i, &n);
            CHECK(op != NULL && strcmp(op->text, want) == 0);
            snprintf(want, sizeof want, "%zu", r->events);
            op = find(l, ONC_PLOT_ROLE_CELL, 2, (long)i, &n);
            CHECK(op != NULL && strcmp(op->text, want) == 0);
        }
    }
    /* square area proportional to events: (side - 3)^2 scales with events */
    CHECK(big_events > 0);
    for (i = 0; i < n_rows; i++) {
        const onc_plot_op *sq = find(l, ONC_PLOT_ROLE_ESTIMATE, -2, (long)i, &n);

        if (sq == NULL || rows[i].is_overall || rows[i].is_header)
            continue;
        CHECK_CLOSE(pow((sq->size - 3) / (big_size - 3), 2),
                    (double)rows[i].events / big_events, 1e-12);
    }
    /* solid reference at 1, dashed line at the overall HR (row 1) */
    op = find(l, ONC_PLOT_ROLE_REFERENCE, -2, -1, &n);
    CHECK(n == 1 && op != NULL && op->dash == ONC_PLOT_DASH_SOLID);
    if (op != NULL)
        CHECK_CLOSE(op->x[0], onc_plot_panel_x(&l->panel, 1), 1e-9);
    op = find(l, ONC_PLOT_ROLE_OVERALL, -2, 0, &n);
    CHECK(n == 1 && op != NULL && op->dash == ONC_PLOT_DASH_DASHED);
    if (op != NULL)
        CHECK_CLOSE(op->x[0], onc_plot_panel_x(&l->panel, rows[0].hr), 1e-9);
    /* favour labels either side of 1 */
    op = find(l, ONC_PLOT_ROLE_FAVOUR, 0, -1, &n);
    CHECK(op != NULL && op->box.x1 <= onc_plot_panel_x(&l->panel, 1));
    op = find(l, ONC_PLOT_ROLE_FAVOUR, 1, -1, &n);
    CHECK(op != NULL && op->box.x0 >= onc_plot_panel_x(&l->panel, 1));
    /* no arrows: every interval is on the axis */
    CHECK(find(l, ONC_PLOT_ROLE_ARROW, -2, 3, &n) == NULL);
    check_text_layout(l, "veteran");
    onc_plot_list_free(l);
}

/*
** Hand-made rows: an infinite upper limit, an interval beyond manual axis
** limits, a row that is not estimable, and P values on each side of the
** formatting thresholds (written out by hand below).
*/
static void test_edges(void)
{
    onc_plot_forest_row rows[6];
    onc_plot_forest_options opt;
    onc_plot_list *l = NULL;
    size_t n;
    const onc_plot_op *op;
    static const struct {
        double p;
        const char *text;
    } p_cases[6] = {
        {0.00042, "<0.001"}, {0.0042, "0.004"}, {0.048, "0.048"},
        {0.34, "0.34"}, {0.0123, "0.01"}, {1, "1.00"}
    };
    size_t i;

    memset(rows, 0, sizeof rows);
    for (i = 0; i < 6; i++) {
        rows[i].label = "row";
        rows[i].n = 20;
        rows[i].events = 10;
        rows[i].p_interaction = p_cases[i].p;
    }
    rows[0].hr = 2.5, rows[0].lower = 0.8, rows[0].upper = INFINITY;   /* undefined upper */
    rows[1].hr = 0.3, rows[1].lower = 0.05, rows[1].upper = 0.9;       /* below x_min */
    rows[2].hr = NAN, rows[2].lower = NAN, rows[2].upper = NAN;        /* not estimable */
    rows[3].hr = 1, rows[3].lower = 0.5, rows[3].upper = 2;
    rows[4].hr = 20, rows[4].lower = 12, rows[4].upper = 40;           /* wholly above */
    rows[5].hr = 1.5, rows[5].lower = 1.1, rows[5].upper = 2.2;
    rows[5].label = "\xE7\xBB\x8F\xE5\x8A\xA8\xE8\x84\x89\xE5\x8C\x96\xE7\x96\x97\xE6\xA0\x93"
                    "\xE5\xA1\x9E (TACE) versus surgical resection of liver metastases in "
                    "patients with a very long subgroup name";
    onc_plot_forest_options_init(&opt);
    opt.x_min = 0.1;
    opt.x_max = 10;
    CHECK(onc_plot_forest_build(rows, 6, &opt, &l, NULL) == ONC_OK);
    if (l == NULL)
        return;
    CHECK_CLOSE(l->panel.x_min, 0.1, 0);
    CHECK_CLOSE(l->panel.x_max, 10, 0);
    for (i = 0; i < 6; i++) {
        op = find(l, ONC_PLOT_ROLE_CELL, 4, (long)i, &n);
        CHECK(op != NULL && strcmp(op->text, p_cases[i].text) == 0);
    }
    /* row 0: line to the right edge and an arrow there; text says NE */
    op = find(l, ONC_PLOT_ROLE_ARROW, 1, 0, &n);
    CHECK(n == 1 && op != NULL && op->marker == ONC_PLOT_MARKER_ARROW_RIGHT);
    if (op != NULL)
        CHECK_CLOSE(op->x[0], l->panel.right, 1e-9);
    op = find(l, ONC_PLOT_ROLE_INTERVAL, -2, 0, &n);
    CHECK(op != NULL && fabs(op->x[1] - l->panel.right) < 1e-9);
    op = find(l, ONC_PLOT_ROLE_CELL, 3, 0, &n);
    CHECK(op != NULL && strcmp(op->text, "2.50 (0.80\xE2\x80\x93NE)") == 0);
    /* row 1: clipped at 0.1 with a left arrow */
    op = find(l, ONC_PLOT_ROLE_ARROW, 0, 1, &n);
    CHECK(n == 1 && op != NULL && op->marker == ONC_PLOT_MARKER_ARROW_LEFT);
    op = find(l, ONC_PLOT_ROLE_INTERVAL, -2, 1, &n);
    CHECK(op != NULL && fabs(op->x[0] - l->panel.left) < 1e-9);
    /* row 2: no graphic, "NE" */
    CHECK(find(l, ONC_PLOT_ROLE_ESTIMATE, -2, 2, &n) == NULL);
    op = find(l, ONC_PLOT_ROLE_CELL, 3, 2, &n);
    CHECK(op != NULL && strcmp(op->text, "NE") == 0);
    /* row 4: entirely above 10: one right arrow, no square or line */
    CHECK(find(l, ONC_PLOT_ROLE_ESTIMATE, -2, 4, &n) == NULL);
    CHECK(find(l, ONC_PLOT_ROLE_INTERVAL, -2, 4, &n) == NULL);
    op = find(l, ONC_PLOT_ROLE_ARROW, 1, 4, &n);
    CHECK(n == 1);
    /* the long label was shortened with an ellipsis to keep the panel */
    op = find(l, ONC_PLOT_ROLE_CELL, 0, 5, &n);
    CHECK(op != NULL && strstr(op->text, "\xE2\x80\xA6") != NULL);
    CHECK(l->panel.right - l->panel.left >= 108 - 1e-9);
    check_text_layout(l, "edges");
    onc_plot_list_free(l);
}

static void test_errors(void)
{
    onc_plot_forest_row r;
    onc_plot_list *l = NULL;
    onc_error err;

    memset(&r, 0, sizeof r);
    r.label = "KIT exon 9";
    r.hr = 0;
    r.lower = 0;
    r.upper = 1.2;
    r.p_interaction = NAN;
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "row 'KIT exon 9': hazard ratio 0 cannot be drawn on a log scale")
          != NULL);
    r.hr = 0.5;
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "lower limit 0 cannot be drawn on a log scale") != NULL);
    r.lower = 1.5;
    r.upper = 1.2;
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "above the upper limit") != NULL);
    r.lower = 0.6;
    r.upper = 1.2;
    r.hr = 1.4;
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "outside its interval") != NULL);
    r.hr = 0.9;
    r.p_interaction = 1.5;
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    r.p_interaction = NAN;
    CHECK(onc_plot_forest_build(&r, 0, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "no rows") != NULL);
    CHECK(onc_plot_forest(&r, 1, NULL, "/tmp/forest.tiff", &err) == ONC_ERR_USAGE);
    CHECK(l == NULL);
    CHECK(onc_plot_forest_build(&r, 1, NULL, &l, &err) == ONC_OK);
    onc_plot_list_free(l);
}

static void test_files(golden *g)
{
    onc_plot_forest_row rows[MAX_ROWS];
    size_t n_rows = load_rows(g, rows);
    char dir[] = "/tmp/onc_plot_forest_XXXXXX", path[512];
    onc_error err;
    FILE *fp;
    char head[8] = {0};

    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/forest.svg", dir);
    CHECK(onc_plot_forest(rows, n_rows, NULL, path, &err) == ONC_OK);
    fp = fopen(path, "rb");
    CHECK(fp != NULL && fread(head, 1, 5, fp) == 5 && memcmp(head, "<?xml", 5) == 0);
    if (fp != NULL)
        fclose(fp);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_plot_forest");
    test_veteran(g);
    test_edges();
    test_errors();
    test_files(g);
    golden_free(g);
    return harness_finish();
}
