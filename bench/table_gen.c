/*
** table_gen.c -- data for bench/rates.sh: a response table and an
** adverse-event table of a given size, reproducible (fixed seed).
**
**   cc -O2 -std=c11 bench/table_gen.c -o table_gen
**   ./table_gen rates N OUT.csv       N patients: id, arm, bor, responded
**   ./table_gen ae N EVENTS.csv PATIENTS.csv
**                                     N events over N/3 patients:
**                                     patient_id, term, soc, grade, day
**                                     and patient_id, arm
** Two arms; objective response 40% vs 55%; 12 event terms with grades
** 1-5 skewed towards 1-2.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long gen_state = 88172645463325252ULL;

/* xorshift64: fast, reproducible, good enough for test data. */
static double gen_uniform(void)
{
    gen_state ^= gen_state << 13;
    gen_state ^= gen_state >> 7;
    gen_state ^= gen_state << 17;
    return (double)(gen_state >> 11) / 9007199254740992.0;
}

static int gen_rates(long n, const char *path)
{
    static const char *const bor[] = {"CR", "PR", "SD", "PD", "NE"};
    FILE *fp = fopen(path, "w");
    long i;

    if (fp == NULL)
        return 1;
    fputs("id,arm,bor,responded\n", fp);
    for (i = 1; i <= n; i++) {
        int tace = gen_uniform() < 0.5;
        double u = gen_uniform(), orr = tace ? 0.55 : 0.40;
        int k = u < orr * 0.15 ? 0 : u < orr ? 1 : u < orr + 0.3 ? 2 : u < 0.95 ? 3 : 4;
        fprintf(fp, "%ld,%s,%s,%s\n", i, tace ? "TACE" : "Control", bor[k],
                k <= 1 ? "TRUE" : "FALSE");
    }
    return fclose(fp) != 0;
}

static int gen_ae(long n, const char *events, const char *patients)
{
    static const char *const term[] = {
        "Nausea", "Fatigue", "Abdominal pain", "Fever", "Vomiting", "Diarrhoea",
        "Anaemia", "Thrombocytopenia", "ALT increased", "Anorexia", "Rash",
        "Liver failure"};
    static const char *const soc[] = {
        "Gastrointestinal disorders", "General disorders", "Gastrointestinal disorders",
        "General disorders", "Gastrointestinal disorders", "Gastrointestinal disorders",
        "Blood disorders", "Blood disorders", "Investigations",
        "Metabolism disorders", "Skin disorders", "Hepatobiliary disorders"};
    long n_pat = n / 3 > 0 ? n / 3 : 1, i;
    FILE *ev = fopen(events, "w"), *pt = fopen(patients, "w");

    if (ev == NULL || pt == NULL)
        return 1;
    fputs("patient_id,arm\n", pt);
    for (i = 1; i <= n_pat; i++)
        fprintf(pt, "P%ld,%s\n", i, i % 2 ? "TACE" : "Control");
    fputs("patient_id,term,soc,grade,day\n", ev);
    for (i = 0; i < n; i++) {
        long p = 1 + (long)(gen_uniform() * (double)n_pat);
        int t = (int)(gen_uniform() * 11.999);
        double u = gen_uniform();
        int g = u < 0.45 ? 1 : u < 0.8 ? 2 : u < 0.95 ? 3 : u < 0.995 ? 4 : 5;
        if (t == 11)
            g = 5 - (u < 0.5);
        fprintf(ev, "P%ld,%s,%s,%d,%d\n", p, term[t], soc[t], g,
                1 + (int)(gen_uniform() * 365));
    }
    return (fclose(ev) != 0) | (fclose(pt) != 0);
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

    if (argc == 4 && n > 0 && strcmp(argv[1], "rates") == 0)
        return gen_rates(n, argv[3]);
    if (argc == 5 && n > 0 && strcmp(argv[1], "ae") == 0)
        return gen_ae(n, argv[3], argv[4]);
    fprintf(stderr, "usage: table_gen rates N OUT.csv | table_gen ae N EVENTS.csv PATIENTS.csv\n");
    return 2;
}
