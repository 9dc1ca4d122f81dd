/*
** test_plot_swimmer.c -- the swimmer plot's display list: lanes sorted by
** duration (ties in input order) or kept in input order, bar ends, event
** symbols on their lanes, arrows for ongoing patients, the month axis,
** squeezing many lanes into the page, errors and the PDF file.  Expected
** orders and breaks are worked out by hand next to the data.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/plot.h"

/*
**   lane      P1    P2     P3   P4     P5
**   months    10    24.5   3    24.5   15
**   arm       TACE  Resec  TACE Resec  TACE
**   ongoing   no    yes    no   no     yes
** Longest first, P2 before P4 (input order): P2 P4 P5 P1 P3.
** Axis: 24.5 months in 3-month steps needs 9 intervals, 6-month steps 5
** => 0, 6, ..., 30.
*/
static const onc_plot_swimmer_event ev1[2] = {
    {2.5, ONC_PLOT_EVENT_RESPONSE}, {10, ONC_PLOT_EVENT_DEATH}
};
static const onc_plot_swimmer_event ev2[3] = {
    {3, ONC_PLOT_EVENT_TREATMENT}, {6, ONC_PLOT_EVENT_RESPONSE}, {20, ONC_PLOT_EVENT_PROGRESSION}
};
static const onc_plot_swimmer_event ev5[1] = {{0, ONC_PLOT_EVENT_TREATMENT}};
static const onc_plot_swimmer_lane lanes[5] = {
    {"P1", "TACE", 10, 0, 2, ev1},
    {"P2", "Resection", 24.5, 1, 3, ev2},
    {"P3", "TACE", 3, 0, 0, NULL},
    {"P4", "Resection", 24.5, 0, 0, NULL},
    {"P5", "TACE", 15, 1, 1, ev5},
};
static const size_t sorted[5] = {1, 3, 4, 0, 2};

static const onc_plot_op *find(const onc_plot_list *l, onc_plot_role role, long index,
                               size_t nth)
{
    size_t i;

    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == role && l->ops[i].index == index && nth-- == 0)
            return &l->ops[i];
    return NULL;
}

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

static void check_lanes(const onc_plot_list *l, const size_t *order)
{
    size_t k, e;

    for (k = 0; k < 5; k++) {
        const onc_plot_swimmer_lane *lane = &lanes[order[k]];
        const onc_plot_op *bar = find(l, ONC_PLOT_ROLE_BAR, (long)order[k], 0);
        const onc_plot_op *arrow = find(l, ONC_PLOT_ROLE_ARROW, (long)order[k], 0);
        const onc_plot_op *id = find(l, ONC_PLOT_ROLE_ITEM_LABEL, (long)order[k], 0);
        double y;

        CHECK(bar != NULL);
        if (bar == NULL)
            continue;
        y = (bar->box.y0 + bar->box.y1) / 2;
        /* k-th lane from the top */
        CHECK_CLOSE(y, l->panel.top + (l->panel.bottom - l->panel.top) / 5 * ((double)k + 0.5),
                    1e-9);
        CHECK_CLOSE(bar->box.x0, l->panel.left, 1e-9);
        CHECK_CLOSE(bar->box.x1, onc_plot_panel_x(&l->panel, lane->duration), 1e-9);
        CHECK(bar->group == (strcmp(lane->arm, "TACE") == 0 ? 0 : 1));
        CHECK((arrow != NULL) == (lane->ongoing != 0));
        if (arrow != NULL) {
            CHECK(arrow->marker == ONC_PLOT_MARKER_ARROW_RIGHT);
            CHECK(arrow->box.x0 >= bar->box.x1);
            CHECK_CLOSE(arrow->y[0], y, 1e-9);
        }
        CHECK(id != NULL && strcmp(id->text, lane->id) == 0);
        if (id != NULL)
            CHECK(id->box.x1 <= l->panel.left);
        for (e = 0; e < lane->n_events; e++) {
            const onc_plot_op *m = find(l, ONC_PLOT_ROLE_EVENT_MARKER, (long)order[k], e);

            CHECK(m != NULL);
            if (m == NULL)
                continue;
            CHECK(m->group == (long)lane->events[e].kind);
            CHECK_CLOSE(m->x[0], onc_plot_panel_x(&l->panel, lane->events[e].time), 1e-9);
            CHECK_CLOSE(m->y[0], y, 1e-9);
        }
    }
}

static void test_sorted(void)
{
    onc_plot_swimmer_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    size_t i, ticks = 0;
    static const double want_ticks[6] = {0, 6, 12, 18, 24, 30};

    memset(&opt, 0, sizeof opt);
    opt.time_unit = "months";
    CHECK(onc_plot_swimmer_build(lanes, 5, &opt, &l, &err) == ONC_OK);
    if (l == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    check_lanes(l, sorted);
    CHECK(count_role(l, ONC_PLOT_ROLE_EVENT_MARKER) == 6);
    CHECK(count_role(l, ONC_PLOT_ROLE_ARROW) == 2);
    for (i = 0; i < l->n_ops; i++)
        if (l->ops[i].role == ONC_PLOT_ROLE_TICK && l->ops[i].group == 0) {
            CHECK(ticks < 6);
            if (ticks < 6)
                CHECK_CLOSE(l->ops[i].x[0], onc_plot_panel_x(&l->panel, want_ticks[ticks]),
                            1e-9);
            ticks++;
        }
    CHECK(ticks == 6);
    CHECK_CLOSE(l->panel.x_max, 30, 0);
    /* legend: two arms, four symbols (all kinds used), ongoing */
    CHECK(count_role(l, ONC_PLOT_ROLE_LEGEND) == 2 + 4 + 1);
    check_text_layout(l);
    onc_plot_list_free(l);
}

static void test_keep_order(void)
{
    static const size_t input[5] = {0, 1, 2, 3, 4};
    onc_plot_swimmer_options opt;
    onc_plot_list *l = NULL;

    memset(&opt, 0, sizeof opt);
    opt.keep_order = 1;
    CHECK(onc_plot_swimmer_build(lanes, 5, &opt, &l, NULL) == ONC_OK);
    if (l != NULL)
        check_lanes(l, input);
    onc_plot_list_free(l);
}

/* 400 lanes: the automatic height stops at 11 in, identifiers give way. */
static void test_many(void)
{
    enum { N = 400 };
    onc_plot_swimmer_lane *many = calloc(N, sizeof *many);
    onc_plot_swimmer_options opt;
    onc_plot_list *l = NULL;
    size_t i;

    if (many == NULL) {
        CHECK(0);
        return;
    }
    for (i = 0; i < N; i++) {
        many[i].id = "patient";
        many[i].arm = i % 3 == 0 ? "A" : "B";
        many[i].duration = (double)(i % 50) + 0.5;
        many[i].ongoing = i % 7 == 0;
    }
    memset(&opt, 0, sizeof opt);
    opt.time_unit = "weeks";
    CHECK(onc_plot_swimmer_build(many, N, &opt, &l, NULL) == ONC_OK);
    if (l != NULL) {
        CHECK(l->height <= 11 * 72 + 1e-9);
        CHECK(count_role(l, ONC_PLOT_ROLE_BAR) == N);
        CHECK(count_role(l, ONC_PLOT_ROLE_ITEM_LABEL) == 0);
        check_text_layout(l);
    }
    onc_plot_list_free(l);
    free(many);
}

static void test_errors(void)
{
    onc_plot_swimmer_event late = {12, ONC_PLOT_EVENT_PROGRESSION};
    onc_plot_swimmer_event odd = {1, (onc_plot_event_kind)7};
    onc_plot_swimmer_lane bad = {"P07", "TACE", 10, 0, 1, &late};
    onc_plot_swimmer_options opt;
    onc_plot_list *l = NULL;
    onc_error err;
    static const char *const arms[1] = {"Resection"};

    CHECK(onc_plot_swimmer_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "patient 'P07'") != NULL && strstr(err.message, "event 1") != NULL);
    bad.events = &odd;
    CHECK(onc_plot_swimmer_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "unknown kind") != NULL);
    bad.n_events = 0;
    bad.duration = -1;
    CHECK(onc_plot_swimmer_build(&bad, 1, NULL, &l, &err) == ONC_ERR_USAGE);
    bad.duration = 5;
    memset(&opt, 0, sizeof opt);
    opt.arms = arms;
    opt.n_arms = 1;
    CHECK(onc_plot_swimmer_build(&bad, 1, &opt, &l, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "arm 'TACE'") != NULL);
    CHECK(onc_plot_swimmer_build(&bad, 0, NULL, &l, &err) == ONC_ERR_USAGE);
    CHECK(onc_plot_swimmer(&bad, 1, NULL, "/tmp/s.eps", &err) == ONC_ERR_USAGE);
    CHECK(l == NULL);
}

static void test_file(void)
{
    char dir[] = "/tmp/onc_plot_swimmer_XXXXXX", path[512], tmp[520];
    char head[8] = {0};
    onc_error err;
    FILE *fp;

    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/swimmer.pdf", dir);
    CHECK(onc_plot_swimmer(lanes, 5, NULL, path, &err) == ONC_OK);
    fp = fopen(path, "rb");
    CHECK(fp != NULL && fread(head, 1, 5, fp) == 5 && memcmp(head, "%PDF-", 5) == 0);
    if (fp != NULL)
        fclose(fp);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(access(tmp, F_OK) != 0);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    harness_set_name("test_plot_swimmer");
    test_sorted();
    test_keep_order();
    test_many();
    test_errors();
    test_file();
    return harness_finish();
}
