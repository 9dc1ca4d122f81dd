/*
** ae_render.c -- the adverse-event table as text, JSON and CSV
** (oncostat/ae_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/ae_render.h"
#include "render/clinical_render_internal.h"

void onc_ae_report_init(onc_ae_report *r)
{
    memset(r, 0, sizeof *r);
}

/* The count of row `row` in arm a, or all arms together when a == n_arms. */
static const onc_ae_count *ae_count(const onc_ae_table *t, const onc_ae_row *row,
                                    size_t a)
{
    return a < t->n_arms ? &row->arms[a] : &row->total;
}

static size_t ae_arm_n(const onc_ae_table *t, size_t a)
{
    return a < t->n_arms ? t->arm_size[a] : t->n_patients;
}

static const char *ae_arm_name(const onc_ae_table *t, size_t a)
{
    return a < t->n_arms ? t->arms[a] : "All";
}

/* "n (x.x%)" */
static void ae_n_pct(size_t n, double pct, char *buf, size_t cap)
{
    if (isnan(pct))
        snprintf(buf, cap, "%zu", n);
    else
        snprintf(buf, cap, "%zu (%.1f%%)", n, pct);
}

/* ---- JSON ---- */

static void ae_json_count(onc_json *j, const onc_ae_table *t, const onc_ae_count *c,
                          size_t a)
{
    char key[32];
    int g;

    onc_json_object_begin(j);
    onc_json_key(j, "arm");
    onc_json_string(j, ae_arm_name(t, a));
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)ae_arm_n(t, a));
    for (g = 0; g < 5; g++) {
        snprintf(key, sizeof key, "grade%d", g + 1);
        onc_json_key(j, key);
        onc_json_integer(j, (long long)c->by_grade[g]);
    }
    onc_json_key(j, "any_grade");
    onc_json_integer(j, (long long)c->any_grade);
    onc_json_key(j, "pct_any");
    onc_json_number(j, c->pct_any);
    onc_json_key(j, "grade3_plus");
    onc_json_integer(j, (long long)c->grade3_plus);
    onc_json_key(j, "pct_grade3_plus");
    onc_json_number(j, c->pct_grade3_plus);
    onc_json_object_end(j);
}

static void ae_json_row(onc_json *j, const onc_ae_table *t, const onc_ae_row *row)
{
    size_t a;

    onc_json_object_begin(j);
    onc_json_key(j, "term");
    onc_json_string(j, row->term);
    onc_json_key(j, "soc");
    onc_json_string(j, row->soc);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a < t->n_arms; a++)
        ae_json_count(j, t, &row->arms[a], a);
    onc_json_array_end(j);
    onc_json_key(j, "total");
    ae_json_count(j, t, &row->total, t->n_arms);
    onc_json_object_end(j);
}

static void ae_json_exclusions(onc_json *j, const onc_exclusions *ex, size_t used)
{
    if (ex != NULL) {
        onc_json_exclusions(j, ex);
        return;
    }
    onc_json_key(j, "n_used");
    onc_json_integer(j, (long long)used);
    onc_json_key(j, "n_excluded");
    onc_json_integer(j, 0);
    onc_json_key(j, "excluded");
    onc_json_array_begin(j);
    onc_json_array_end(j);
}

static onc_status ae_render_json(const onc_ae_report *r, FILE *fp)
{
    const onc_ae_table *t = r->table;
    onc_json *j = onc_json_new(fp, 2);
    onc_status st;
    size_t a, i;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "adverse-events");
    onc_json_key(j, "events_source");
    onc_json_string(j, r->events_source);
    onc_json_key(j, "patients_source");
    onc_json_string(j, r->patients_source);
    onc_json_key(j, "by");
    onc_json_string(j, r->by);
    onc_json_key(j, "n_patients");
    onc_json_integer(j, (long long)t->n_patients);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a < t->n_arms; a++) {
        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, t->arms[a]);
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)t->arm_size[a]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "any");
    ae_json_row(j, t, &t->any);
    onc_json_key(j, "rows");
    onc_json_array_begin(j);
    for (i = 0; i < t->n_rows; i++)
        ae_json_row(j, t, &t->rows[i]);
    onc_json_array_end(j);
    onc_json_key(j, "grade5");
    onc_json_array_begin(j);
    for (i = 0; i < t->n_grade5; i++) {
        const onc_ae_death *d = &t->grade5[i];
        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, t->arms[d->arm]);
        onc_json_key(j, "patient");
        onc_json_string(j, d->patient);
        onc_json_key(j, "term");
        onc_json_string(j, d->term);
        clinical_json_day(j, "", d->day, r->days_are_dates);
        onc_json_key(j, "row");
        onc_json_integer(j, (long long)d->source_row);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    ae_json_exclusions(j, r->events_excluded, 0);
    onc_json_key(j, "patient_list");
    onc_json_object_begin(j);
    ae_json_exclusions(j, r->patients_excluded, t->n_patients);
    onc_json_object_end(j);
    onc_json_object_end(j);
    st = onc_json_finish(j);
    onc_json_free(j);
    return st;
}

/* ---- CSV ---- */

static void ae_csv_row(FILE *fp, const onc_ae_table *t, const onc_ae_row *row, size_t a)
{
    const onc_ae_count *c = ae_count(t, row, a);
    char p1[48], p2[48];

    clinical_csv_field(fp, row->term);
    fputc(',', fp);
    clinical_csv_field(fp, row->soc != NULL ? row->soc : "");
    fputc(',', fp);
    clinical_csv_field(fp, ae_arm_name(t, a));
    clinical_exact(c->pct_any, p1, sizeof p1);
    clinical_exact(c->pct_grade3_plus, p2, sizeof p2);
    fprintf(fp, ",%zu,%zu,%zu,%zu,%zu,%zu,%zu,%s,%zu,%s\n", ae_arm_n(t, a),
            c->by_grade[0], c->by_grade[1], c->by_grade[2], c->by_grade[3],
            c->by_grade[4], c->any_grade, p1, c->grade3_plus, p2);
}

static onc_status ae_render_csv(const onc_ae_report *r, FILE *fp)
{
    const onc_ae_table *t = r->table;
    size_t i, a;

    fputs("term,soc,arm,n,grade1,grade2,grade3,grade4,grade5,any_grade,pct_any,"
          "grade3_plus,pct_grade3_plus\n", fp);
    for (i = 0; i <= t->n_rows; i++) {
        const onc_ae_row *row = i == 0 ? &t->any : &t->rows[i - 1];
        for (a = 0; a <= t->n_arms; a++)
            ae_csv_row(fp, t, row, a);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

/* ---- text ---- */

static onc_status ae_text_block(const onc_ae_table *t, size_t a, FILE *fp)
{
    static const char *const head[] = {"Adverse event", "G1", "G2", "G3", "G4",
                                       "G5", "Any grade", "Grade >=3"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    char cells[8][CLINICAL_CELL];
    const char *ptr[8];
    onc_table *tab = onc_table_new(8, head, align);
    onc_status st = ONC_OK;
    size_t i, k;

    if (tab == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < 8; k++)
        ptr[k] = cells[k];
    fprintf(fp, "\n%s (N = %zu)\n", a < t->n_arms ? t->arms[a] : "All patients",
            ae_arm_n(t, a));
    for (i = 0; i <= t->n_rows && st == ONC_OK; i++) {
        const onc_ae_row *row = i == 0 ? &t->any : &t->rows[i - 1];
        const onc_ae_count *c = ae_count(t, row, a);
        snprintf(cells[0], CLINICAL_CELL, "%s", row->term);
        for (k = 0; k < 5; k++)
            snprintf(cells[1 + k], CLINICAL_CELL, "%zu", c->by_grade[k]);
        ae_n_pct(c->any_grade, c->pct_any, cells[6], CLINICAL_CELL);
        ae_n_pct(c->grade3_plus, c->pct_grade3_plus, cells[7], CLINICAL_CELL);
        st = onc_table_add_row(tab, ptr);
    }
    if (st == ONC_OK)
        st = onc_table_write_text(tab, fp);
    onc_table_free(tab);
    return st;
}

static onc_status ae_text_grade5(const onc_ae_report *r, FILE *fp)
{
    static const char *const head[] = {"Arm", "Patient", "Adverse event", "Day",
                                       "Row"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_LEFT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    const onc_ae_table *t = r->table;
    char cells[5][CLINICAL_CELL];
    const char *ptr[5], *names[5];
    onc_table *tab;
    onc_status st = ONC_OK;
    size_t i, k;

    if (t->n_grade5 == 0) {
        fputs("\nNo grade 5 (fatal) adverse event.\n", fp);
        return ONC_OK;
    }
    memcpy(names, head, sizeof names);
    if (r->days_are_dates)
        names[3] = "Date";
    tab = onc_table_new(5, names, align);
    if (tab == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < 5; k++)
        ptr[k] = cells[k];
    fprintf(fp, "\nGrade 5 (fatal) adverse events (%zu):\n", t->n_grade5);
    for (i = 0; i < t->n_grade5 && st == ONC_OK; i++) {
        const onc_ae_death *d = &t->grade5[i];
        snprintf(cells[0], CLINICAL_CELL, "%s", t->arms[d->arm]);
        snprintf(cells[1], CLINICAL_CELL, "%s", d->patient);
        snprintf(cells[2], CLINICAL_CELL, "%s", d->term);
        clinical_day(d->day, r->days_are_dates, cells[3], CLINICAL_CELL);
        snprintf(cells[4], CLINICAL_CELL, "%zu", d->source_row);
        st = onc_table_add_row(tab, ptr);
    }
    if (st == ONC_OK)
        st = onc_table_write_text(tab, fp);
    onc_table_free(tab);
    return st;
}

static onc_status ae_render_text(const onc_ae_report *r, FILE *fp)
{
    const onc_ae_table *t = r->table;
    onc_status st = ONC_OK;
    size_t a;

    fprintf(fp, "Adverse events by worst CTCAE grade%s%s%s%s%s%s\n",
            r->events_source != NULL ? ": " : "",
            r->events_source != NULL ? r->events_source : "",
            r->patients_source != NULL ? "; patients: " : "",
            r->patients_source != NULL ? r->patients_source : "",
            r->by != NULL ? "; by " : "", r->by != NULL ? r->by : "");
    fputs("Each patient counts once per event, at the worst grade; percentages of "
          "all patients of the arm.\n", fp);
    for (a = 0; a < t->n_arms && st == ONC_OK; a++)
        st = ae_text_block(t, a, fp);
    if (st == ONC_OK && t->n_arms > 1)
        st = ae_text_block(t, t->n_arms, fp);
    if (st == ONC_OK)
        st = ae_text_grade5(r, fp);
    if (st == ONC_OK && r->events_excluded != NULL) {
        fputs("\nEvents. ", fp);
        onc_text_exclusions(fp, r->events_excluded);
    }
    if (st == ONC_OK && r->patients_excluded != NULL) {
        fputs("Patients. ", fp);
        onc_text_exclusions(fp, r->patients_excluded);
    }
    if (st == ONC_OK && ferror(fp))
        st = ONC_ERR_IO;
    return st;
}

onc_status onc_ae_render(const onc_ae_report *r, onc_output_mode mode, FILE *fp)
{
    if (r == NULL || r->table == NULL)
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return ae_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        return ae_render_csv(r, fp);
    case ONC_OUTPUT_TEXT:
    default:
        return ae_render_text(r, fp);
    }
}
