/*
** html.c -- report.html: one self-contained file (inline CSS, inline SVG
** figures, no script, no network) laid out like the methods and results
** sections of a journal article, that prints cleanly to PDF: A4 pages,
** each section on a new page, tables and figures never split or wider
** than the page (fixed table layout with wrapping cells, figures scaled to
** the text width).
**
** The prose sentences quote numbers from the same result structs as the
** tables; nothing here computes a statistic.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/render.h"
#include "oncostat/date.h"
#include "core/internal.h"
#include "report/report_internal.h"

#define EN_DASH "\xe2\x80\x93"
#define GE "\xe2\x89\xa5"

static const char css[] =
    "@page{size:A4;margin:16mm 15mm 18mm}\n"
    "html{font-family:'DejaVu Serif',Georgia,'Times New Roman',serif;font-size:10.5pt;color:#111;"
    "background:#fff}\n"
    "body{max-width:180mm;margin:0 auto;padding:10mm 6mm;line-height:1.45}\n"
    "*{box-sizing:border-box}\n"
    "h1{font-size:17pt;line-height:1.25;margin:0 0 4pt}\n"
    "h2{font-size:13pt;margin:18pt 0 6pt;border-bottom:1px solid #999;padding-bottom:2pt}\n"
    "h3{font-size:11pt;margin:12pt 0 4pt}\n"
    "p{margin:0 0 7pt;text-align:justify;hyphens:auto}\n"
    ".subtitle{font-size:11.5pt;color:#333;margin:0 0 6pt}\n"
    ".datanote{font-size:9pt;color:#333;border-left:3px solid #c33;padding:3pt 8pt;margin:8pt 0}\n"
    ".meta{font-size:8.5pt;color:#555}\n"
    "table{width:100%;border-collapse:collapse;table-layout:fixed;margin:4pt 0 2pt;"
    "font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;font-size:8pt;line-height:1.3}\n"
    "caption{caption-side:top;text-align:left;font-family:'DejaVu Serif',Georgia,serif;"
    "font-size:9.5pt;padding-bottom:4pt}\n"
    "th,td{padding:2pt 3pt;vertical-align:top;overflow-wrap:anywhere;word-break:normal}\n"
    "thead th{border-top:1.2pt solid #000;border-bottom:0.8pt solid #000;font-weight:bold;"
    "text-align:center}\n"
    "thead th:first-child{text-align:left}\n"
    "td{text-align:center}\n"
    "td:first-child{text-align:left}\n"
    "tbody tr:last-child td{border-bottom:1.2pt solid #000}\n"
    "tr.group td{padding-top:5pt}\n"
    "tr.group td:first-child{font-weight:bold}\n"
    "tr{break-inside:avoid}\n"
    "thead th.grp{border-bottom:0.5pt solid #000}\n"
    "tr.level td:first-child{padding-left:12pt}\n"
    ".tnote{font-family:'DejaVu Sans',Arial,sans-serif;font-size:7.5pt;color:#333;margin:2pt 0 12pt;"
    "text-align:left}\n"
    "figure{margin:12pt 0;padding:0}\n"
    "figure .svg{width:100%;max-width:100%;overflow:hidden}\n"
    "figure svg{display:block;width:100%;height:auto;max-width:100%}\n"
    "figcaption{font-size:9pt;margin-top:4pt;text-align:left}\n"
    ".flow{font-family:'DejaVu Sans',Arial,sans-serif;font-size:8.5pt;display:flex;flex-direction:column;"
    "align-items:center;gap:0;width:100%}\n"
    ".flow .box{border:1pt solid #333;padding:4pt 8pt;background:#fafafa;text-align:center;"
    "max-width:100%}\n"
    ".flow .down{width:0;height:14pt;border-left:1pt solid #333}\n"
    ".flow .excl{display:flex;width:100%;justify-content:center;align-items:stretch}\n"
    ".flow .excl .box{text-align:left;max-width:70%}\n"
    ".flow ul{margin:2pt 0 0;padding-left:12pt}\n"
    ".flow .arms{display:flex;width:100%;justify-content:space-between;gap:6pt}\n"
    ".flow .arms .box{flex:1 1 0;min-width:0}\n"
    ".notes li{font-size:8.5pt;margin-bottom:2pt}\n"
    "footer{margin-top:18pt;font-size:8pt;color:#555;border-top:1px solid #bbb;padding-top:4pt}\n"
    "@media print{body{max-width:none;padding:0}section.page{break-before:page}"
    "figure,.flow,tr{break-inside:avoid}h2,h3,caption{break-after:avoid}"
    "thead{display:table-header-group}a{color:inherit;text-decoration:none}}\n";

/* ---- escaping ---- */

static void esc(FILE *fp, const char *s)
{
    if (s == NULL)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp); break;
        }
    }
}

static void escf(FILE *fp, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void escf(FILE *fp, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    esc(fp, buf);
}

/* "P = 0.032" or "P < 0.0001" */
static void p_phrase(char *buf, size_t cap, double p)
{
    char v[24];

    onc_format_p(p, v, sizeof v);
    if (v[0] == '<')
        snprintf(buf, cap, "P < %s", v + 1);
    else
        snprintf(buf, cap, "P = %s", v);
}

/* ---- tables ---- */

/* A column heading; "(n = 111)" goes on a line of its own. */
static void header_cell(FILE *fp, const char *s)
{
    const char *n = strstr(s, " (n = ");
    char head[256];

    if (n == NULL || (size_t)(n - s) >= sizeof head) {
        esc(fp, s);
        return;
    }
    memcpy(head, s, (size_t)(n - s));
    head[n - s] = '\0';
    esc(fp, head);
    fputs("<br>", fp);
    esc(fp, n + 1);
}

static void write_table(FILE *fp, const report_table *t, size_t number)
{
    size_t i, k;
    double first = t->n_cols > 7 ? 22 : t->n_cols > 5 ? 26 : 34;

    fprintf(fp, "<table id=\"%s\" class=\"report-table\">\n<caption><b>Table %zu.</b> ", t->id, number);
    esc(fp, t->title);
    fputs("</caption>\n<colgroup>", fp);
    fprintf(fp, "<col style=\"width:%.0f%%\">", first);
    if (t->n_cols > 1)
        fprintf(fp, "<col span=\"%zu\">", t->n_cols - 1);
    fputs("</colgroup>\n<thead>", fp);
    if (t->group_span > 1 && t->n_groups > 0) {
        /* Two header rows: the groups (arms), then their columns. */
        fputs("<tr><th rowspan=\"2\">", fp);
        esc(fp, t->header[0]);
        fputs("</th>", fp);
        for (k = 0; k < t->n_groups; k++) {
            fprintf(fp, "<th class=\"grp\" colspan=\"%zu\">", t->group_span);
            header_cell(fp, t->group_header[k]);
            fputs("</th>", fp);
        }
        fputs("</tr>\n<tr>", fp);
        for (k = 1; k < t->n_cols; k++) {
            fputs("<th>", fp);
            header_cell(fp, t->header[k]);
            fputs("</th>", fp);
        }
    } else {
        fputs("<tr>", fp);
        for (k = 0; k < t->n_cols; k++) {
            fputs("<th>", fp);
            header_cell(fp, t->header[k]);
            fputs("</th>", fp);
        }
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (i = 0; i < t->n_rows; i++) {
        const char *cls = t->kind[i] == REPORT_ROW_GROUP ? " class=\"group\""
                        : t->kind[i] == REPORT_ROW_LEVEL ? " class=\"level\"" : "";
        fprintf(fp, "<tr%s>", cls);
        for (k = 0; k < t->n_cols; k++) {
            fputs("<td>", fp);
            esc(fp, t->cells[i * t->n_cols + k]);
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n", fp);
    if (t->note != NULL) {
        fputs("<p class=\"tnote\">", fp);
        esc(fp, t->note);
        fputs("</p>\n", fp);
    }
}

static const report_table *find_table(const report_table *t, size_t n, const char *id, size_t *number)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (strcmp(t[k].id, id) == 0) {
            *number = k + 1;
            return &t[k];
        }
    return NULL;
}

/* ---- figures ---- */

/*
** Inline an SVG file made by cairo.  Every figure's ids (glyph symbols,
** clip paths) are prefixed with "f<n>-", because ids must be unique in an
** HTML document and cairo numbers them from 0 in every file.  The fixed
** width and height are dropped in favour of a viewBox so that CSS scales
** the figure to the text width.
*/
static void write_svg(FILE *fp, const char *svg, size_t n)
{
    const char *s = strstr(svg, "<svg");
    const char *p;
    char prefix[16];

    if (s == NULL)
        return;
    snprintf(prefix, sizeof prefix, "f%zu-", n);
    /* The root element: keep its attributes except width and height. */
    {
        const char *end = strchr(s, '>');
        const char *w = NULL, *h = NULL;
        double wv = 0, hv = 0;
        int has_viewbox;
        if (end == NULL)
            return;
        has_viewbox = strstr(s, "viewBox") != NULL && strstr(s, "viewBox") < end;
        fputs("<svg", fp);
        p = s + 4;
        while (p < end) {
            const char *eq, *q1, *q2;
            while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
                p++;
            if (p >= end || *p == '/')
                break;
            eq = memchr(p, '=', (size_t)(end - p));
            if (eq == NULL)
                break;
            q1 = eq + 1;
            if (*q1 != '"' && *q1 != '\'')
                break;
            q2 = memchr(q1 + 1, *q1, (size_t)(end - q1 - 1));
            if (q2 == NULL)
                break;
            if ((size_t)(eq - p) == 5 && strncmp(p, "width", 5) == 0) {
                w = q1 + 1;
                wv = strtod(w, NULL);
            } else if ((size_t)(eq - p) == 6 && strncmp(p, "height", 6) == 0) {
                h = q1 + 1;
                hv = strtod(h, NULL);
            } else {
                fputc(' ', fp);
                fwrite(p, 1, (size_t)(q2 + 1 - p), fp);
            }
            p = q2 + 1;
        }
        if (!has_viewbox && wv > 0 && hv > 0)
            fprintf(fp, " viewBox=\"0 0 %g %g\"", wv, hv);
        fputs(" role=\"img\">", fp);
        p = end + 1;
    }
    /* The body, with ids and references to them prefixed. */
    while (*p) {
        if (strncmp(p, "id=\"", 4) == 0) {
            fprintf(fp, "id=\"%s", prefix);
            p += 4;
        } else if (strncmp(p, "href=\"#", 7) == 0) {
            fprintf(fp, "href=\"#%s", prefix);
            p += 7;
        } else if (strncmp(p, "url(#", 5) == 0) {
            fprintf(fp, "url(#%s", prefix);
            p += 5;
        } else {
            fputc(*p, fp);
            p++;
        }
    }
}

static void write_figure(FILE *fp, const report_figure *f, size_t number)
{
    fprintf(fp, "<figure id=\"figure-%s\" class=\"report-figure\">\n<div class=\"svg\">", f->name);
    if (f->svg != NULL)
        write_svg(fp, f->svg, number);
    fprintf(fp, "</div>\n<figcaption><b>Figure %zu.</b> ", number);
    esc(fp, f->title);
    fputs(". ", fp);
    esc(fp, f->caption);
    fputs("</figcaption>\n</figure>\n", fp);
}

static void write_flow(FILE *fp, const onc_report *r)
{
    const onc_flow *f = r->flow;
    size_t k;

    fputs("<figure id=\"figure-flow\" class=\"report-figure\">\n<div class=\"flow\">\n", fp);
    fprintf(fp, "<div class=\"box\">Patients screened (n = %zu)</div>\n<div class=\"down\"></div>\n",
            f->n_screened);
    if (f->n_excluded > 0) {
        fprintf(fp, "<div class=\"excl\"><div class=\"box\">Excluded (n = %zu)<ul>", f->n_excluded);
        for (k = 0; k < f->n_reasons; k++) {
            fputs("<li>", fp);
            esc(fp, f->reasons[k].reason);
            fprintf(fp, " (n = %zu)</li>", f->reasons[k].count);
        }
        fputs("</ul></div></div>\n<div class=\"down\"></div>\n", fp);
    }
    fprintf(fp, "<div class=\"box\">Patients analysed (n = %zu)</div>\n<div class=\"down\"></div>\n",
            f->n_eligible);
    fputs("<div class=\"arms\">", fp);
    for (k = 0; k < r->n_arms; k++) {
        fputs("<div class=\"box\">", fp);
        esc(fp, r->arm_label[k]);
        fprintf(fp, "<br>n = %zu</div>", f->arm_n[k]);
    }
    fputs("</div>\n</div>\n<figcaption><b>Figure 1.</b> Flow of patients. Each excluded patient is "
          "counted once, under the first eligibility criterion not met, in the order of the study "
          "plan; a missing value is a reason of its own.</figcaption>\n</figure>\n", fp);
}

/* ---- prose ---- */

/* A label inside a sentence: "Imatinib alone" becomes "imatinib alone",
** "ECOG performance status" and "KIT exon 9" stay as they are. */
static const char *in_sentence(const char *label, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", label);
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static void patients_text(FILE *fp, const onc_report *r)
{
    const onc_flow *f = r->flow;
    size_t k;

    fputs("<p>", fp);
    escf(fp, "Of %zu patients screened, %zu %s excluded", f->n_screened, f->n_excluded,
         f->n_excluded == 1 ? "was" : "were");
    if (f->n_reasons > 0) {
        fputs(" (", fp);
        for (k = 0; k < f->n_reasons; k++)
            escf(fp, "%s%s, %zu", k ? "; " : "", f->reasons[k].reason, f->reasons[k].count);
        fputs(")", fp);
    }
    escf(fp, " and %zu were analysed: ", f->n_eligible);
    for (k = 0; k < r->n_arms; k++) {
        char lab[256];
        escf(fp, "%s%zu received %s", k == 0 ? "" : k + 1 == r->n_arms ? " and " : ", ",
             f->arm_n[k], in_sentence(r->arm_label[k], lab, sizeof lab));
    }
    fputs(" (Figure 1). Their characteristics are shown in Table 1.</p>\n", fp);
}

static void survival_text(FILE *fp, const onc_report *r, const report_endpoint *e,
                          size_t table, size_t figure)
{
    const char *label = e->plan->label ? e->plan->label : e->plan->name;
    const char *unit = onc_time_unit_name(e->unit);
    int pct = (int)(100 * r->plan->conf_level + 0.5);
    size_t k, j, events = 0;
    char buf[160];

    for (k = 0; k < r->n_arms; k++)
        events += (size_t)e->km->curves[k].events;
    fputs("<p>", fp);
    escf(fp, "%s: %zu events were observed in %zu patients. The median was ", label, events, e->n_used);
    for (k = 0; k < r->n_arms; k++) {
        const onc_km_quantile *q = &e->km->curves[k].median;
        if (isnan(q->estimate)) {
            snprintf(buf, sizeof buf, "not reached");
        } else {
            char est[32], lo[32], hi[32];
            onc_format_human(q->estimate, 1, "NR", est, sizeof est);
            onc_format_human(q->lower, 1, "NR", lo, sizeof lo);
            onc_format_human(q->upper, 1, "NR", hi, sizeof hi);
            snprintf(buf, sizeof buf, "%s %s (%d%% CI %s" EN_DASH "%s)", est, unit, pct, lo, hi);
        }
        {
            char lab[256];
            escf(fp, "%s%s with %s", k == 0 ? "" : k + 1 == r->n_arms ? " and " : ", ", buf,
                 in_sentence(r->arm_label[k], lab, sizeof lab));
        }
    }
    if (e->logrank != NULL && !e->logrank->singular && isfinite(e->logrank->p_value)) {
        p_phrase(buf, sizeof buf, e->logrank->p_value);
        escf(fp, " (log-rank %s", buf);
        fprintf(fp, "; Table %zu", table);
        if (figure)
            fprintf(fp, ", Figure %zu", figure);
        fputs(").", fp);
    } else {
        fprintf(fp, " (Table %zu).", table);
    }
    if (e->has_arm_cox && e->arm_cox.fitted) {
        const report_cox *c = &e->arm_cox;
        int first = 1;
        char lab[256];
        escf(fp, " Compared with %s, the hazard ratio was ",
             in_sentence(r->arm_label[r->reference], lab, sizeof lab));
        for (k = 0; k < r->n_arms; k++) {
            if (k == r->reference)
                continue;
            for (j = 0; j < c->n_hr; j++)
                if (c->hr[j].level && strcmp(c->hr[j].level, r->arm_label[k]) == 0) {
                    char hr[32], lo[32], hi[32], pp[64];
                    onc_format_human(c->hr[j].hr, 2, "NE", hr, sizeof hr);
                    onc_format_human(c->hr[j].lower, 2, "NE", lo, sizeof lo);
                    onc_format_human(c->hr[j].upper, 2, "NE", hi, sizeof hi);
                    p_phrase(pp, sizeof pp, c->hr[j].p);
                    escf(fp, "%s%s (%d%% CI %s" EN_DASH "%s; %s) for %s", first ? "" : " and ",
                         hr, pct, lo, hi, pp, in_sentence(r->arm_label[k], lab, sizeof lab));
                    first = 0;
                }
        }
        fputs(".", fp);
    }
    fputs("</p>\n", fp);
}

static void cox_text(FILE *fp, const onc_report *r, const report_cox_set *cs, size_t table)
{
    const report_cox *a = &cs->adjusted;
    size_t k, n_sig = 0;
    int pct = (int)(100 * r->plan->conf_level + 0.5);
    const char *label = r->endpoints[cs->endpoint].plan->label;
    char lower[160];

    if (!cs->has_adjusted)
        return;
    snprintf(lower, sizeof lower, "%s", label ? label : r->endpoints[cs->endpoint].plan->name);
    if (lower[0] >= 'A' && lower[0] <= 'Z' && !(lower[1] >= 'A' && lower[1] <= 'Z'))
        lower[0] = (char)(lower[0] - 'A' + 'a');
    fputs("<p>", fp);
    if (!a->fitted) {
        escf(fp, "The multivariable model of %s could not be fitted (%s).", lower,
             a->problem ? a->problem : "no result");
        fputs("</p>\n", fp);
        return;
    }
    escf(fp, "In the multivariable Cox model of %s (%zu patients, %zu events; Table %zu), ", lower,
         a->n, a->events, table);
    for (k = 0; k < a->n_hr; k++)
        n_sig += a->hr[k].p < 0.05;
    if (n_sig == 0) {
        fputs("no variable was associated with the hazard at P &lt; 0.05.", fp);
    } else {
        size_t m = 0;
        fputs("the variables associated with the hazard at P &lt; 0.05 were ", fp);
        for (k = 0; k < a->n_hr; k++) {
            const report_hr *h = &a->hr[k];
            char hr[32], lo[32], hi[32], pp[64], name[256], level[256], ref[256];
            if (!(h->p < 0.05))
                continue;
            onc_format_human(h->hr, 2, "NE", hr, sizeof hr);
            onc_format_human(h->lower, 2, "NE", lo, sizeof lo);
            onc_format_human(h->upper, 2, "NE", hi, sizeof hi);
            p_phrase(pp, sizeof pp, h->p);
            in_sentence(h->label, name, sizeof name);
            {
                char *comma = strchr(name, ',');
                if (comma != NULL)
                    *comma = '\0';     /* "age, years" reads "age" */
            }
            if (h->level != NULL && h->reference != NULL)
                escf(fp, "%s%s (%s vs %s: HR %s, %d%% CI %s" EN_DASH "%s; %s)",
                     m == 0 ? "" : m + 1 == n_sig ? " and " : ", ", name,
                     in_sentence(h->level, level, sizeof level),
                     in_sentence(h->reference, ref, sizeof ref), hr, pct, lo, hi, pp);
            else if (h->level != NULL)
                escf(fp, "%s%s (%s: HR %s, %d%% CI %s" EN_DASH "%s; %s)",
                     m == 0 ? "" : m + 1 == n_sig ? " and " : ", ", name,
                     in_sentence(h->level, level, sizeof level), hr, pct, lo, hi, pp);
            else
                escf(fp, "%s%s (HR per unit %s, %d%% CI %s" EN_DASH "%s; %s)",
                     m == 0 ? "" : m + 1 == n_sig ? " and " : ", ", name, hr, pct, lo, hi, pp);
            m++;
        }
        fputs(".", fp);
    }
    if (a->monotone)
        fputs(" The likelihood was monotone: at least one estimate is infinite and its interval "
              "is not reliable.", fp);
    fputs("</p>\n", fp);
}

static void response_text(FILE *fp, const onc_report *r, size_t table, size_t figure)
{
    size_t c, k;
    int pct = (int)(100 * r->plan->conf_level + 0.5);
    char buf[96];

    fputs("<p>", fp);
    for (c = 0; c < r->n_responses; c++) {
        const report_response *rr = &r->responses[c];
        escf(fp, "%s%s criteria, the objective response rate was ", c == 0 ? "By " : " By ",
             onc_plan_criteria_name(rr->criteria));
        for (k = 0; k < r->n_arms; k++) {
            char lo[32], hi[32], est[32];
            onc_format_human(100 * rr->orr[k].estimate, 1, "NA", est, sizeof est);
            onc_format_human(100 * rr->orr[k].lower, 1, "NA", lo, sizeof lo);
            onc_format_human(100 * rr->orr[k].upper, 1, "NA", hi, sizeof hi);
            char lab[256];
            escf(fp, "%s%s%% (%d%% CI %s" EN_DASH "%s) with %s", k == 0 ? "" : k + 1 == r->n_arms ? " and " : ", ",
                 est, pct, lo, hi, in_sentence(r->arm_label[k], lab, sizeof lab));
        }
        if (isfinite(rr->orr_p)) {
            p_phrase(buf, sizeof buf, rr->orr_p);
            escf(fp, " (%s)", buf);
        }
        fputs(".", fp);
    }
    fprintf(fp, " Table %zu gives the best overall responses", table);
    if (figure)
        fprintf(fp, " and Figure %zu the best change in tumour size of each patient", figure);
    fputs(".</p>\n", fp);
}

static void safety_text(FILE *fp, const onc_report *r, size_t table)
{
    const onc_ae_table *ae = r->ae;
    size_t k, shown = ae->n_rows < 3 ? ae->n_rows : 3;

    fputs("<p>", fp);
    escf(fp, "%zu of %zu patients (%.1f%%) had at least one adverse event and %zu (%.1f%%) an event of "
         "grade 3 or higher", ae->any.total.any_grade, ae->n_patients, ae->any.total.pct_any,
         ae->any.total.grade3_plus, ae->any.total.pct_grade3_plus);
    fputs(" (", fp);
    for (k = 0; k < ae->n_arms; k++) {
        char lab[256];
        escf(fp, "%s%.1f%% with %s", k ? ", " : "", ae->any.arms[k].pct_grade3_plus,
             in_sentence(ae->arms[k], lab, sizeof lab));
    }
    fprintf(fp, "; Table %zu).", table);
    if (shown > 0) {
        fputs(" The most frequent were ", fp);
        for (k = 0; k < shown; k++) {
            char term[160];
            snprintf(term, sizeof term, "%s", ae->rows[k].term);
            if (term[0] >= 'A' && term[0] <= 'Z' && !(term[1] >= 'A' && term[1] <= 'Z'))
                term[0] = (char)(term[0] - 'A' + 'a');
            escf(fp, "%s%s (%.1f%%)", k == 0 ? "" : k + 1 == shown ? " and " : ", ", term,
                 ae->rows[k].total.pct_any);
        }
        fputs(".", fp);
    }
    if (ae->n_grade5 == 0) {
        fputs(" No adverse event was fatal.", fp);
    } else {
        fputs(" Fatal adverse events: ", fp);
        for (k = 0; k < ae->n_grade5; k++) {
            char term[160];
            escf(fp, "%s%s (patient %s)", k ? "; " : "",
                 in_sentence(ae->grade5[k].term, term, sizeof term), ae->grade5[k].patient);
        }
        fputs(".", fp);
    }
    fputs("</p>\n", fp);
}

/* ---- data notes ---- */

static void exclusions_item(FILE *fp, const char *what, const onc_exclusions *ex)
{
    size_t k, j;

    if (ex->n_excluded == 0)
        return;
    fputs("<li>", fp);
    esc(fp, what);
    escf(fp, ": %zu patient%s left out", ex->n_excluded, ex->n_excluded == 1 ? "" : "s");
    for (k = 0; k < ex->n_reasons; k++) {
        escf(fp, "%s%s (%zu; patient file row%s ", k ? "; " : ": ", ex->reasons[k].reason,
             ex->reasons[k].count, ex->reasons[k].count == 1 ? "" : "s");
        for (j = 0; j < ex->reasons[k].n_rows; j++)
            fprintf(fp, "%s%zu", j ? ", " : "", ex->reasons[k].rows[j]);
        if (ex->reasons[k].count > ex->reasons[k].n_rows)
            fprintf(fp, ", \xe2\x80\xa6");
        fputs(")", fp);
    }
    fputs(".</li>\n", fp);
}

static void data_notes(FILE *fp, const onc_report *r)
{
    size_t k, j, s;

    fputs("<ul class=\"notes\">\n", fp);
    for (k = 0; k < r->n_endpoints; k++) {
        const report_endpoint *e = &r->endpoints[k];
        char what[160];
        snprintf(what, sizeof what, "%s", e->plan->label ? e->plan->label : e->plan->name);
        exclusions_item(fp, what, &e->excluded);
        if (e->derived->n_notes > 0) {
            fputs("<li>", fp);
            escf(fp, "%s: %zu patient%s used with a note: ", what, e->derived->n_notes,
                 e->derived->n_notes == 1 ? "" : "s");
            for (j = 0; j < e->derived->n_notes && j < 5; j++)
                escf(fp, "%srow %zu, %s", j ? "; " : "", r->screen_row[e->derived->notes[j].row - 1],
                     e->derived->notes[j].message);
            if (e->derived->n_notes > 5)
                escf(fp, "; and %zu more (results.json)", e->derived->n_notes - 5);
            fputs(".</li>\n", fp);
        }
    }
    for (s = 0; s < r->n_cox_sets; s++)
        if (r->cox_sets[s].has_adjusted)
            exclusions_item(fp, "Multivariable Cox model", &r->cox_sets[s].adjusted.excluded);
    for (k = 0; k < r->n_responses; k++) {
        const report_response *rr = &r->responses[k];
        size_t shown = 0;
        if (rr->n_issues == 0)
            continue;
        fputs("<li>", fp);
        escf(fp, "%s: %zu patient%s with problems in the lesion data: ", onc_plan_criteria_name(rr->criteria),
             rr->n_issues, rr->n_issues == 1 ? "" : "s");
        for (j = 0; j < rr->result->n_patients && shown < 5; j++) {
            const onc_response_patient *p = &rr->result->patients[j];
            if (p->n_issues == 0)
                continue;
            escf(fp, "%s%s: %s", shown ? "; " : "", p->patient, p->issues[0]);
            shown++;
        }
        if (rr->n_issues > shown)
            escf(fp, "; and %zu more (results.json)", rr->n_issues - shown);
        fputs(".</li>\n", fp);
    }
    fputs("<li>The analysis data set with the derived endpoints and responses is in "
          "<code>derived/patients.csv</code>; every number of this report is in "
          "<code>results.json</code>.</li>\n</ul>\n", fp);
}

/* ---- the document ---- */

onc_status report_write_html(const onc_report *r, const report_table *tables, size_t n_tables,
                             FILE *fp, onc_error *err)
{
    const onc_plan *p = r->plan;
    size_t fig_no = 2, k, s, tn = 0;
    size_t *fig_number = onc_callocarray(r->n_figures ? r->n_figures : 1, sizeof *fig_number);
    const report_table *t;
    const char *title = p->title.text ? p->title.text : "Results";

    if (fig_number == NULL)
        return ONC_ERR_NOMEM;
    /* Figures are numbered in order of appearance: flow first. */
    for (k = 0; k < r->n_endpoints; k++)
        if (r->endpoints[k].figure != (size_t)-1)
            fig_number[r->endpoints[k].figure] = fig_no++;
    for (k = 0; k < r->n_forests; k++)
        if (r->forests[k].figure != (size_t)-1)
            fig_number[r->forests[k].figure] = fig_no++;
    for (k = 0; k < r->n_responses; k++)
        if (r->responses[k].figure != (size_t)-1)
            fig_number[r->responses[k].figure] = fig_no++;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", fp);
    fprintf(fp, "<meta name=\"generator\" content=\"oncostat %s\">\n<title>", ONC_VERSION);
    esc(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header id=\"title\">\n<h1>", css);
    esc(fp, title);
    fputs("</h1>\n", fp);
    if (p->subtitle.text) {
        fputs("<p class=\"subtitle\">", fp);
        esc(fp, p->subtitle.text);
        fputs("</p>\n", fp);
    }
    if (p->note.text) {
        fputs("<p class=\"datanote\">", fp);
        esc(fp, p->note.text);
        fputs("</p>\n", fp);
    }
    fputs("<p class=\"meta\">Study plan: ", fp);
    {
        const char *slash = strrchr(p->source, '/');
        esc(fp, slash ? slash + 1 : p->source);
    }
    if (!isnan(p->cutoff)) {
        char d[16];
        onc_date_format(p->cutoff, d, sizeof d);
        fprintf(fp, " &middot; data cut-off %s", d);
    }
    fprintf(fp, " &middot; oncostat %s</p>\n</header>\n", ONC_VERSION);

    fputs("<section id=\"methods\">\n<h2>Statistical methods</h2>\n", fp);
    onc_report_write_methods(r, 1, fp);
    fputs("</section>\n", fp);

    fputs("<section id=\"patients\" class=\"page\">\n<h2>Patients</h2>\n", fp);
    patients_text(fp, r);
    write_flow(fp, r);
    if ((t = find_table(tables, n_tables, "table1", &tn)) != NULL)
        write_table(fp, t, tn);
    fputs("</section>\n", fp);

    if ((t = find_table(tables, n_tables, "efficacy", &tn)) != NULL) {
        fputs("<section id=\"survival\" class=\"page\">\n<h2>Survival</h2>\n", fp);
        for (k = 0; k < r->n_endpoints; k++)
            if (r->endpoints[k].km_shown)
                survival_text(fp, r, &r->endpoints[k], tn,
                              r->endpoints[k].figure != (size_t)-1 ? fig_number[r->endpoints[k].figure] : 0);
        write_table(fp, t, tn);
        for (k = 0; k < r->n_endpoints; k++)
            if (r->endpoints[k].figure != (size_t)-1)
                write_figure(fp, &r->figures[r->endpoints[k].figure], fig_number[r->endpoints[k].figure]);
        fputs("</section>\n", fp);
    }

    if (r->n_cox_sets > 0 || r->n_forests > 0) {
        fputs("<section id=\"cox\" class=\"page\">\n<h2>Prognostic factors and subgroups</h2>\n", fp);
        for (s = 0; s < r->n_cox_sets; s++) {
            char id[64];
            snprintf(id, sizeof id, "cox_%s", r->endpoints[r->cox_sets[s].endpoint].plan->name);
            if ((t = find_table(tables, n_tables, id, &tn)) != NULL) {
                cox_text(fp, r, &r->cox_sets[s], tn);
                write_table(fp, t, tn);
            }
        }
        if (r->n_forests > 0) {
            fputs("<p>", fp);
            escf(fp, "Figure%s %zu", r->n_forests > 1 ? "s" : "", fig_number[r->forests[0].figure]);
            if (r->n_forests > 1)
                escf(fp, EN_DASH "%zu", fig_number[r->forests[r->n_forests - 1].figure]);
            fputs(" show the hazard ratio of each treatment against the reference within subgroups, "
                  "with the P value for interaction.</p>\n", fp);
            for (k = 0; k < r->n_forests; k++)
                if (r->forests[k].figure != (size_t)-1)
                    write_figure(fp, &r->figures[r->forests[k].figure], fig_number[r->forests[k].figure]);
        }
        fputs("</section>\n", fp);
    }

    if ((t = find_table(tables, n_tables, "response", &tn)) != NULL) {
        size_t wf = r->responses[0].figure;
        fputs("<section id=\"response\" class=\"page\">\n<h2>Tumour response</h2>\n", fp);
        response_text(fp, r, tn, wf != (size_t)-1 ? fig_number[wf] : 0);
        write_table(fp, t, tn);
        if (wf != (size_t)-1)
            write_figure(fp, &r->figures[wf], fig_number[wf]);
        fputs("</section>\n", fp);
    }

    if ((t = find_table(tables, n_tables, "safety", &tn)) != NULL) {
        fputs("<section id=\"safety\" class=\"page\">\n<h2>Safety</h2>\n", fp);
        safety_text(fp, r, tn);
        write_table(fp, t, tn);
        fputs("</section>\n", fp);
    }

    fputs("<section id=\"data-notes\">\n<h2>Data notes</h2>\n", fp);
    data_notes(fp, r);
    fputs("</section>\n", fp);
    fprintf(fp, "<footer>Generated by oncostat %s from the study plan and the data files it names. "
                "Running the same plan on the same data gives the same report.</footer>\n"
                "</body>\n</html>\n", ONC_VERSION);
    free(fig_number);
    if (ferror(fp))
        return onc_error_set(err, ONC_ERR_IO, NULL, 0, 0, NULL, "writing report.html failed");
    return ONC_OK;
}
