/*
** simulate.c -- a synthetic cohort of patients with GIST liver metastases,
** for the bundled example, the documentation and the tests.
**
** Everything is invented.  The generator is a plain sequence of draws from
** GSL's Mersenne Twister (gsl_rng_mt19937) started from a fixed seed, and
** every number is written with a fixed number of decimals, so the same seed
** gives the same files byte for byte.
**
** The model, per screened patient (times in days from the diagnosis of
** liver metastases, which is time zero):
**   - baseline: sex, age, ECOG, primary site, mutation (KIT exon 11 / exon 9
**     / PDGFRA / wild type / unknown), imatinib dose (exon 9: 600 or 800 mg),
**     synchronous metastases, extrahepatic disease, number and size of liver
**     metastases; a few patients are older than 75, have ECOG 2 or no ECOG
**     recorded, so that the eligibility flow has something to show;
**   - treatment: imatinib alone, or with hepatic resection, or with RFA or
**     TACE, chosen with probabilities that depend on the disease (resection
**     is less likely with extrahepatic disease, many metastases or old age),
**     as in an observational series;
**   - overall survival and progression from Weibull proportional-hazards
**     models (hazard ratios 0.5 for resection and 0.7 for RFA/TACE on
**     death, 0.6 and 0.8 on progression); loss to follow-up and the data
**     cut-off 2022-12-31 censor them;
**   - scans every 3 months for two years, then every 6 months, until
**     progression, death or the last follow-up; progression is seen at the
**     first scan after it happens, which is the recorded progression date;
**   - lesions: up to two liver target lesions, a liver non-target lesion
**     when there are more than two metastases, a peritoneal target lesion
**     with extrahepatic disease.  Each patient responds to imatinib well,
**     moderately or not at all (less often with exon 9, PDGFRA or wild
**     type): diameters and attenuation (HU) fall towards a plateau over
**     about three months.  Resection removes the liver lesions, RFA leaves
**     an ablation zone with no viable tumour, TACE shrinks the viable part.
**     No lesion grows by more than 5% over its smallest size before
**     progression, so that no criteria see progression before the recorded
**     date; at progression a new lesion appears (in the liver, or in the
**     peritoneum for extrahepatic-only progression) and the targets grow;
**   - adverse events of imatinib and of the local treatments with CTCAE
**     grades; a fatal (grade 5) event sets the date of death.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "oncostat/simulate.h"
#include "oncostat/date.h"
#include "oncostat/render.h"
#include "core/internal.h"

#define SIM_MONTH 30.4375

enum { ARM_IM = 0, ARM_HR = 1, ARM_LOCAL = 2 };
enum { LOCAL_NONE = 0, LOCAL_RESECTION = 1, LOCAL_RFA = 2, LOCAL_TACE = 3 };
enum { MUT_EXON11 = 0, MUT_EXON9 = 1, MUT_PDGFRA = 2, MUT_WILD = 3 };
enum { RESP_GOOD = 0, RESP_MODERATE = 1, RESP_NONE = 2 };

static const char *const arm_names[] = {"IM", "IM+HR", "IM+RFA/TACE"};
static const char *const local_names[] = {"None", "Resection", "RFA", "TACE"};
static const char *const site_names[] = {"Stomach", "Small intestine", "Colorectum", "Other"};
static const char *const mutation_names[] = {"KIT exon 11", "KIT exon 9", "PDGFRA", "Wild type"};

typedef struct sim_patient {
    char id[24];
    int arm, local;
    int male, age, ecog, site, mutation, dose;
    int synchronous, extrahepatic, n_mets;
    double size_cm;
    /* dates, days since 1970; NaN when none */
    double t0, im_start, local_date, prog_date, liver_prog_date, death_date;
    double last_scan, last_fu;
} sim_patient;

/* One adverse-event term: probability per patient and grade distribution. */
typedef struct sim_term {
    const char *term;
    const char *soc;
    double p;
    double grade[5];
} sim_term;

static const sim_term imatinib_terms[] = {
    {"Oedema peripheral", "General disorders and administration site conditions", 0.40,
     {0.66, 0.28, 0.06, 0, 0}},
    {"Periorbital oedema", "Eye disorders", 0.22, {0.88, 0.12, 0, 0, 0}},
    {"Nausea", "Gastrointestinal disorders", 0.32, {0.72, 0.23, 0.05, 0, 0}},
    {"Diarrhoea", "Gastrointestinal disorders", 0.25, {0.64, 0.27, 0.09, 0, 0}},
    {"Fatigue", "General disorders and administration site conditions", 0.30,
     {0.62, 0.31, 0.07, 0, 0}},
    {"Muscle spasms", "Musculoskeletal and connective tissue disorders", 0.24,
     {0.82, 0.18, 0, 0, 0}},
    {"Rash", "Skin and subcutaneous tissue disorders", 0.14, {0.58, 0.30, 0.12, 0, 0}},
    {"Anaemia", "Blood and lymphatic system disorders", 0.30, {0.57, 0.32, 0.11, 0, 0}},
    {"Neutrophil count decreased", "Investigations", 0.15, {0.42, 0.34, 0.21, 0.03, 0}},
};

static const sim_term resection_terms[] = {
    {"Abdominal pain", "Gastrointestinal disorders", 0.30, {0.56, 0.34, 0.10, 0, 0}},
    {"Wound infection", "Infections and infestations", 0.07, {0.30, 0.52, 0.18, 0, 0}},
    {"Biliary fistula", "Hepatobiliary disorders", 0.05, {0.20, 0.50, 0.30, 0, 0}},
    {"Hepatic failure", "Hepatobiliary disorders", 0.012, {0, 0, 0.40, 0.20, 0.40}},
};

static const sim_term ablation_terms[] = {
    {"Abdominal pain", "Gastrointestinal disorders", 0.33, {0.58, 0.32, 0.10, 0, 0}},
    {"Alanine aminotransferase increased", "Investigations", 0.28, {0.55, 0.31, 0.14, 0, 0}},
    {"Post-embolisation syndrome", "General disorders and administration site conditions", 0.0,
     {0.48, 0.40, 0.12, 0, 0}},
    {"Liver abscess", "Infections and infestations", 0.03, {0, 0.30, 0.70, 0, 0}},
};

void onc_simulate_options_init(onc_simulate_options *opt)
{
    opt->seed = ONC_SIMULATE_DEFAULT_SEED;
    opt->n_patients = ONC_SIMULATE_DEFAULT_PATIENTS;
}

static double uniform(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

static size_t pick(gsl_rng *r, const double *w, size_t n)
{
    double total = 0, u;
    size_t k;

    for (k = 0; k < n; k++)
        total += w[k];
    u = gsl_rng_uniform(r) * total;
    for (k = 0; k + 1 < n; k++) {
        if (u < w[k])
            return k;
        u -= w[k];
    }
    return n - 1;
}

/* A Weibull proportional-hazards time: S(t) = exp(-(t/scale)^shape e^lp). */
static double weibull_ph(gsl_rng *r, double scale, double shape, double lp)
{
    double e = gsl_ran_exponential(r, 1.0);

    return scale * pow(e / exp(lp), 1.0 / shape);
}

static void put_date(FILE *fp, double d)
{
    char buf[16];

    if (isnan(d))
        return;
    onc_date_format(floor(d), buf, sizeof buf);
    fputs(buf, fp);
}

static void baseline(gsl_rng *r, sim_patient *p, size_t i)
{
    static const double site_w[] = {0.55, 0.33, 0.06, 0.06};
    static const double mut_w[] = {0.66, 0.12, 0.07, 0.09, 0.06};
    double u, w[3];
    size_t m;

    snprintf(p->id, sizeof p->id, "GL%03zu", i + 1);
    p->male = gsl_rng_uniform(r) < 0.58;
    p->age = (int)lround(gsl_ran_gaussian(r, 10.5) + 57);
    if (p->age < 24)
        p->age = 24;
    if (p->age > 75)
        p->age = 75 - (int)(gsl_rng_uniform(r) * 6);
    p->ecog = gsl_rng_uniform(r) < 0.56 ? 0 : 1;
    /* The few patients the eligibility criteria are there for. */
    u = gsl_rng_uniform(r);
    if (u < 0.022)
        p->age = 76 + (int)(gsl_rng_uniform(r) * 8);
    else if (u < 0.048)
        p->ecog = 2;
    else if (u < 0.056)
        p->ecog = -1;
    p->site = (int)pick(r, site_w, 4);
    m = pick(r, mut_w, 5);
    p->mutation = m == 4 ? -1 : (int)m;
    if (p->mutation == MUT_EXON9)
        p->dose = gsl_rng_uniform(r) < 0.4 ? 600 : 800;
    else
        p->dose = gsl_rng_uniform(r) < 0.06 ? 600 : 400;
    p->synchronous = gsl_rng_uniform(r) < 0.45;
    p->extrahepatic = gsl_rng_uniform(r) < 0.24;
    p->n_mets = 1 + (int)gsl_ran_poisson(r, 1.7);
    if (p->n_mets > 12)
        p->n_mets = 12;
    p->size_cm = floor(exp(gsl_ran_gaussian(r, 0.5) + log(4.8)) * 10 + 0.5) / 10;
    if (p->size_cm < 1.2)
        p->size_cm = 1.2;
    if (p->size_cm > 24)
        p->size_cm = 24;

    /* Treatment by indication, as in an observational series. */
    w[ARM_IM] = 1.0;
    w[ARM_HR] = 0.85 * (p->extrahepatic ? 0.35 : 1) * (p->n_mets > 4 ? 0.4 : 1) *
                (p->age > 70 ? 0.5 : 1) * (p->ecog == 1 ? 0.75 : 1);
    w[ARM_LOCAL] = 0.55 * (p->size_cm < 5 ? 1.5 : 0.8) * (p->extrahepatic ? 0.7 : 1);
    p->arm = (int)pick(r, w, 3);
    if (p->arm == ARM_HR)
        p->local = LOCAL_RESECTION;
    else if (p->arm == ARM_LOCAL)
        p->local = p->size_cm < 4 && p->n_mets <= 3 && gsl_rng_uniform(r) < 0.7 ? LOCAL_RFA : LOCAL_TACE;
    else
        p->local = LOCAL_NONE;
}

/* Event times (days from time zero) and follow-up. */
static void outcomes(gsl_rng *r, sim_patient *p, double cutoff)
{
    static const double arm_os[] = {1.0, 0.56, 0.78};
    static const double arm_pfs[] = {1.0, 0.62, 0.82};
    double start_lo = onc_date_from_ymd(2006, 3, 1), start_hi = onc_date_from_ymd(2021, 6, 30);
    double lp, t_os, t_prog, t_loss, t_admin, t_censor, local_off = NAN;
    int poor_mutation = p->mutation == MUT_PDGFRA || p->mutation == MUT_WILD;

    p->t0 = floor(uniform(r, start_lo, start_hi));
    p->im_start = p->t0 + floor(uniform(r, 7, 36));
    lp = 0.02 * (p->age - 58) + log(1.5) * (p->ecog >= 1) + log(1.8) * p->extrahepatic +
         log(1.35) * (p->mutation == MUT_EXON9) + log(1.9) * poor_mutation +
         0.05 * (p->size_cm - 5) + log(1.25) * (p->n_mets > 3);
    t_os = weibull_ph(r, 165 * SIM_MONTH, 1.15, lp + log(arm_os[p->arm]));
    t_prog = weibull_ph(r, 62 * SIM_MONTH, 1.1, 0.8 * lp + log(arm_pfs[p->arm]));
    if (p->local != LOCAL_NONE) {
        /* The local treatment follows a response to imatinib: patients are
        ** alive and free of progression at that date. */
        local_off = floor(uniform(r, 75, 240));
        p->local_date = p->t0 + local_off;
        if (t_os < local_off + 30)
            t_os += local_off + 30;
        if (t_prog < local_off + 30)
            t_prog += local_off + 30;
    } else {
        p->local_date = NAN;
    }
    t_loss = gsl_ran_exponential(r, 400 * SIM_MONTH);
    t_admin = cutoff - p->t0 - floor(uniform(r, 0, 60));
    t_censor = t_loss < t_admin ? t_loss : t_admin;
    if (p->local != LOCAL_NONE && t_censor < local_off + 14)
        t_censor = local_off + 14;
    if (t_os <= t_censor) {
        p->death_date = p->t0 + floor(t_os);
        p->last_fu = p->death_date;
    } else {
        p->death_date = NAN;
        p->last_fu = p->t0 + floor(t_censor);
    }
    /* Kept as a time for now; scans() turns it into the scan date. */
    p->prog_date = t_prog;
    p->liver_prog_date = gsl_rng_uniform(r) < 0.72 ? 1 : 0;   /* liver involved? */
}

static void adverse_events(gsl_rng *r, sim_patient *p, FILE *fp)
{
    const sim_term *sets[2] = {imatinib_terms, NULL};
    size_t sizes[2] = {sizeof imatinib_terms / sizeof imatinib_terms[0], 0};
    size_t s, k;

    if (p->local == LOCAL_RESECTION) {
        sets[1] = resection_terms;
        sizes[1] = sizeof resection_terms / sizeof resection_terms[0];
    } else if (p->local != LOCAL_NONE) {
        sets[1] = ablation_terms;
        sizes[1] = sizeof ablation_terms / sizeof ablation_terms[0];
    }
    for (s = 0; s < 2; s++) {
        for (k = 0; k < sizes[s]; k++) {
            const sim_term *t = &sets[s][k];
            double prob = t->p, onset;
            int grade;
            if (s == 1 && p->local == LOCAL_TACE && strcmp(t->term, "Post-embolisation syndrome") == 0)
                prob = 0.45;
            if (s == 0 && p->dose >= 600)
                prob *= 1.25;
            if (!(gsl_rng_uniform(r) < prob))
                continue;
            grade = 1 + (int)pick(r, t->grade, 5);
            onset = s == 0 ? p->im_start + floor(uniform(r, 7, 270))
                           : p->local_date + floor(uniform(r, 0, 30));
            if (onset > p->last_fu)
                continue;
            if (grade == 5) {
                p->death_date = onset;
                p->last_fu = onset;
            }
            fprintf(fp, "%s,%s,%s,%d,", p->id, t->term, t->soc, grade);
            put_date(fp, onset);
            fputc('\n', fp);
        }
    }
}

typedef struct sim_lesion {
    const char *id;
    const char *organ;
    int target;         /* 1 target, 0 non-target */
    double d0, hu0, v0; /* baseline diameter, HU, viable diameter */
    double d, hu, v;    /* current (before rounding) */
    double min_d, min_v;/* smallest written values so far */
    int gone;           /* resected */
} sim_lesion;

static double clamp_growth(double value, double *smallest)
{
    /* Integers, and never more than 5% over the smallest so far. */
    double x = floor(value + 0.5), cap;

    if (isnan(*smallest)) {
        *smallest = x;
        return x;
    }
    cap = floor(1.05 * *smallest + 1e-9);
    if (x > cap)
        x = cap;
    if (x < *smallest)
        *smallest = x;
    return x;
}

static void write_lesion(FILE *fp, const sim_patient *p, double day, const sim_lesion *l,
                         const char *type, double d, double v, double hu, const char *nt)
{
    fprintf(fp, "%s,", p->id);
    put_date(fp, day);
    fprintf(fp, ",%s,%s,%s,", l->id, l->organ, type);
    if (!isnan(d))
        fprintf(fp, "%.0f", d);
    fputc(',', fp);
    if (!isnan(v))
        fprintf(fp, "%.0f", v);
    fputc(',', fp);
    if (!isnan(hu))
        fprintf(fp, "%.0f", hu);
    fprintf(fp, ",%s\n", nt);
}

/* Scans, lesion records and the progression dates. */
static void scans(gsl_rng *r, sim_patient *p, FILE *fp)
{
    sim_lesion les[4];
    size_t n_les = 0, k;
    int cls, liver_involved = p->liver_prog_date > 0.5;
    double fs, fh, t_prog = p->prog_date, end, day, prev_day;
    int m, progressed = 0;
    static const double cls_w[4][3] = {
        {0.55, 0.33, 0.12}, {0.35, 0.40, 0.25}, {0.10, 0.35, 0.55}, {0.45, 0.35, 0.20}};
    int row = p->mutation == MUT_EXON11 ? 0 : p->mutation == MUT_EXON9 ? 1
            : p->mutation < 0 ? 3 : 2;

    p->prog_date = NAN;
    p->liver_prog_date = NAN;
    memset(les, 0, sizeof les);
    les[n_les].id = "T1";
    les[n_les].organ = "liver";
    les[n_les].target = 1;
    les[n_les].d0 = p->size_cm * 10;
    n_les++;
    if (p->n_mets >= 2) {
        les[n_les].id = "T2";
        les[n_les].organ = "liver";
        les[n_les].target = 1;
        les[n_les].d0 = fmax(10, floor(p->size_cm * 10 * uniform(r, 0.3, 0.9)));
        n_les++;
    }
    if (p->n_mets > 2) {
        les[n_les].id = "NT1";
        les[n_les].organ = "liver";
        les[n_les].target = 0;
        n_les++;
    }
    if (p->extrahepatic) {
        les[n_les].id = "P1";
        les[n_les].organ = "peritoneum";
        les[n_les].target = 1;
        les[n_les].d0 = floor(uniform(r, 15, 60));
        n_les++;
    }
    for (k = 0; k < n_les; k++) {
        les[k].hu0 = floor(uniform(r, 55, 86));
        les[k].v0 = floor(les[k].d0 * uniform(r, 0.85, 1.0) + 0.5);
        les[k].min_d = les[k].min_v = NAN;
    }
    cls = (int)pick(r, cls_w[row], 3);
    fs = cls == RESP_GOOD ? uniform(r, 0.40, 0.68) : cls == RESP_MODERATE ? uniform(r, 0.78, 0.95)
                                                    : uniform(r, 0.97, 1.04);
    fh = cls == RESP_GOOD ? uniform(r, 0.40, 0.62) : cls == RESP_MODERATE ? uniform(r, 0.60, 0.82)
                                                    : uniform(r, 0.88, 1.0);

    /* The baseline scan is the one that found the liver metastases. */
    day = p->t0;
    for (k = 0; k < n_les; k++) {
        sim_lesion *l = &les[k];
        if (l->target) {
            double d = clamp_growth(l->d0, &l->min_d), v = clamp_growth(l->v0, &l->min_v);
            write_lesion(fp, p, day, l, "target", d, v, l->hu0, "");
        } else {
            write_lesion(fp, p, day, l, "non-target", NAN, NAN, NAN, "present");
        }
    }
    p->last_scan = day;
    end = isnan(p->death_date) ? p->last_fu : p->death_date - 1;
    prev_day = day;
    for (m = 1; m < 400 && !progressed; m++) {
        double months = m <= 8 ? 3.0 * m : 24 + 6.0 * (m - 8), t, g;
        day = p->t0 + floor(months * SIM_MONTH + uniform(r, -10, 10));
        if (day > end)
            break;
        t = day - p->t0;
        progressed = t >= t_prog;
        g = 1 - exp(-t / 75.0);
        for (k = 0; k < n_les; k++) {
            sim_lesion *l = &les[k];
            int after_local = !isnan(p->local_date) && day > p->local_date && strcmp(l->organ, "liver") == 0;
            double d, v, hu;
            if (!l->target) {
                const char *st = "present";
                if (after_local && p->local == LOCAL_RESECTION)
                    st = "absent";
                if (progressed && liver_involved)
                    st = "present";
                write_lesion(fp, p, day, l, "non-target", NAN, NAN, NAN, st);
                continue;
            }
            d = l->d0 * (1 - (1 - fs) * g) * (1 + gsl_ran_gaussian(r, 0.02));
            hu = l->hu0 * (1 - (1 - fh) * g) * (1 + gsl_ran_gaussian(r, 0.03));
            v = d * fmin(1.0, fmax(0.05, (hu - 25) / (l->hu0 - 25)));
            if (after_local) {
                if (p->local == LOCAL_RESECTION) {
                    d = 0;
                    v = 0;
                    hu = NAN;
                } else if (p->local == LOCAL_RFA) {
                    v = 0;
                    hu = uniform(r, 15, 26);
                } else {
                    d *= 0.9;
                    v = d * uniform(r, 0.1, 0.4);
                    hu *= 0.7;
                }
            }
            if (progressed) {
                int grows = strcmp(l->organ, "liver") == 0 ? liver_involved : !liver_involved;
                double f = grows ? uniform(r, 1.1, 1.3) : 1.0;
                d = floor(d + 0.5) * f;
                v = floor(v + 0.5) * f;
                d = floor(d + 0.5);
                v = floor(v + 0.5);
            } else if (gsl_rng_uniform(r) < 0.008) {
                /* A lesion the radiologist did not measure. */
                write_lesion(fp, p, day, l, "target", NAN, NAN, NAN, "");
                continue;
            } else {
                d = clamp_growth(d, &l->min_d);
                v = clamp_growth(v, &l->min_v);
            }
            write_lesion(fp, p, day, l, "target", d, v, isnan(hu) ? NAN : floor(hu + 0.5), "");
        }
        if (progressed) {
            sim_lesion nl;
            memset(&nl, 0, sizeof nl);
            nl.id = "N1";
            nl.organ = liver_involved ? "liver" : "peritoneum";
            write_lesion(fp, p, day, &nl, "new", floor(uniform(r, 10, 26)), NAN,
                         floor(uniform(r, 50, 71)), "");
            p->prog_date = day;
            if (liver_involved)
                p->liver_prog_date = day;
        }
        prev_day = day;
        p->last_scan = day;
    }
    (void)prev_day;
}

static void write_patient(FILE *fp, const sim_patient *p)
{
    fprintf(fp, "%s,%s,%s,%s,%d,", p->id, arm_names[p->arm], local_names[p->local],
            p->male ? "Male" : "Female", p->age);
    if (p->ecog >= 0)
        fprintf(fp, "%d", p->ecog);
    fprintf(fp, ",%s,", site_names[p->site]);
    if (p->mutation >= 0)
        fputs(mutation_names[p->mutation], fp);
    fputc(',', fp);
    if (p->mutation >= 0)
        fputs(p->mutation == MUT_EXON9 ? "TRUE" : "FALSE", fp);
    fprintf(fp, ",%d,%s,%s,%d,%.1f,", p->dose, p->synchronous ? "TRUE" : "FALSE",
            p->extrahepatic ? "TRUE" : "FALSE", p->n_mets, p->size_cm);
    put_date(fp, p->t0);
    fputc(',', fp);
    put_date(fp, p->im_start);
    fputc(',', fp);
    put_date(fp, p->local_date);
    fputc(',', fp);
    put_date(fp, p->prog_date);
    fputc(',', fp);
    put_date(fp, p->liver_prog_date);
    fputc(',', fp);
    put_date(fp, p->death_date);
    fputc(',', fp);
    put_date(fp, p->last_scan);
    fputc(',', fp);
    put_date(fp, p->last_fu);
    fputc('\n', fp);
}

static onc_status open_in(const char *dir, const char *name, onc_output **out, onc_error *err)
{
    char path[4096];

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return onc_error_set(err, ONC_ERR_USAGE, dir, 0, 0, NULL, "directory name too long");
    return onc_output_open(path, out, err);
}

onc_status onc_simulate_gist_liver(const char *dir, const onc_simulate_options *opt,
                                   onc_error *err)
{
    onc_simulate_options defaults;
    onc_output *o_pat = NULL, *o_les = NULL, *o_ae = NULL;
    sim_patient *pts = NULL;
    gsl_rng *r = NULL;
    onc_status st = ONC_OK;
    double cutoff = onc_date_from_ymd(2022, 12, 31);
    size_t i;

    onc_error_clear(err);
    if (opt == NULL) {
        onc_simulate_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->n_patients == 0 || opt->n_patients > ONC_SIMULATE_MAX_PATIENTS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the number of patients must be 1 to %d", ONC_SIMULATE_MAX_PATIENTS);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return onc_error_set(err, ONC_ERR_IO, dir, 0, 0, NULL, "cannot create the directory: %s",
                             strerror(errno));
    pts = onc_callocarray(opt->n_patients, sizeof *pts);
    r = gsl_rng_alloc(gsl_rng_mt19937);
    if (pts == NULL || r == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    gsl_rng_set(r, opt->seed);
    if ((st = open_in(dir, "patients.csv", &o_pat, err)) != ONC_OK ||
        (st = open_in(dir, "lesions.csv", &o_les, err)) != ONC_OK ||
        (st = open_in(dir, "adverse_events.csv", &o_ae, err)) != ONC_OK)
        goto cleanup;
    fputs("patient_id,scan_date,lesion_id,organ,lesion_type,diameter_mm,viable_mm,hu,nt_status\n",
          onc_output_file(o_les));
    fputs("patient_id,term,soc,grade,onset_date\n", onc_output_file(o_ae));
    for (i = 0; i < opt->n_patients; i++) {
        sim_patient *p = &pts[i];
        baseline(r, p, i);
        outcomes(r, p, cutoff);
        adverse_events(r, p, onc_output_file(o_ae));
        scans(r, p, onc_output_file(o_les));
    }
    /* One patient whose last follow-up date was never entered: the report
    ** must show that the endpoints leave this row out, and why. */
    if (opt->n_patients >= 100) {
        sim_patient *p = &pts[opt->n_patients / 2];
        if (isnan(p->death_date))
            p->last_fu = NAN;
    }
    fputs("patient_id,treatment,local_therapy,sex,age,ecog,primary_site,mutation,kit_exon9,"
          "imatinib_dose_mg,synchronous,extrahepatic,n_liver_mets,largest_met_cm,"
          "liver_met_date,imatinib_start_date,local_therapy_date,progression_date,"
          "liver_progression_date,death_date,last_scan_date,last_followup_date\n",
          onc_output_file(o_pat));
    for (i = 0; i < opt->n_patients; i++)
        write_patient(onc_output_file(o_pat), &pts[i]);
    if ((st = onc_output_commit(o_pat, err)) != ONC_OK) {
        o_pat = NULL;
        goto cleanup;
    }
    o_pat = NULL;
    if ((st = onc_output_commit(o_les, err)) != ONC_OK) {
        o_les = NULL;
        goto cleanup;
    }
    o_les = NULL;
    st = onc_output_commit(o_ae, err);
    o_ae = NULL;
cleanup:
    onc_output_abort(o_pat);
    onc_output_abort(o_les);
    onc_output_abort(o_ae);
    if (r != NULL)
        gsl_rng_free(r);
    free(pts);
    return st;
}
