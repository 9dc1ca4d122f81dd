/*
** csv_gen.c -- write a synthetic patient-level CSV for benchmarking the reader.
**
**   csv_gen [N] [OUT]      N rows (default 1000000) to OUT (default stdout)
**
** One row per patient of a liver-metastasis study, with the mix of types a
** real export has: integer id, text centre and arm, sex, age with one
** decimal, ECOG with missing values, three ISO dates, a 0/1 event, a
** logical flag, numbers with two decimals, and a free-text note that is
** usually empty and sometimes quoted (commas and doubled quotes inside).
** The output is deterministic for a given N (fixed-seed xorshift).
**
** Build: cc -O2 -std=c11 bench/csv_gen.c -o build/csv_gen
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t gen_state = 0x2545F4914F6CDD1DULL;

static uint64_t gen_next(void)
{
    gen_state ^= gen_state << 13;
    gen_state ^= gen_state >> 7;
    gen_state ^= gen_state << 17;
    return gen_state;
}

/* Uniform integer in [0, n). */
static unsigned gen_below(unsigned n)
{
    return (unsigned)(gen_next() % n);
}

/* Civil date of a day number (days since 1970-01-01), Hinnant's algorithm. */
static void gen_date(long z, char *buf, size_t cap)
{
    long era, doe, yoe, doy, mp, y, m, d;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2);
    snprintf(buf, cap, "%04ld-%02ld-%02ld", y, m, d);
}

int main(int argc, char **argv)
{
    static const char *const centres[] = {"Amsterdam", "Berlin", "Lyon", "Milano",
                                          "Seoul", "Toronto", "Warszawa"};
    static const char *const arms[] = {"Imatinib", "Imatinib + resection",
                                       "Imatinib + RFA/TACE"};
    static const char *const notes[] = {"\"R0 resection, margin 2 mm\"",
                                        "\"dose reduced to 300 mg, \"\"GI toxicity\"\"\"",
                                        "\"lost to follow-up\""};
    unsigned long n = 1000000UL, i;
    FILE *out = stdout;
    char *end;

    if (argc > 1) {
        n = strtoul(argv[1], &end, 10);
        if (*end != '\0' || n == 0) {
            fprintf(stderr, "usage: csv_gen [N] [OUT]\n");
            return 2;
        }
    }
    if (argc > 2 && (out = fopen(argv[2], "w")) == NULL) {
        perror(argv[2]);
        return 1;
    }
    fputs("id,centre,arm,sex,age,ecog,diagnosis_date,start_date,last_date,event,"
          "progressed,tumour_mm,ki67,note\n", out);
    for (i = 1; i <= n; i++) {
        char diag[24], start[24], last[24], ecog[4], ki67[16];
        long d0 = 14000 + (long)gen_below(4000);
        long d1 = d0 + 7 + (long)gen_below(120);
        long d2 = d1 + 30 + (long)gen_below(3000);
        unsigned r = gen_below(100);

        gen_date(d0, diag, sizeof diag);
        gen_date(d1, start, sizeof start);
        gen_date(d2, last, sizeof last);
        if (r < 5)
            ecog[0] = '\0';
        else
            snprintf(ecog, sizeof ecog, "%u", gen_below(3));
        if (r >= 90)
            memcpy(ki67, "NA", 3);
        else
            snprintf(ki67, sizeof ki67, "%u.%u", gen_below(60), gen_below(10));
        fprintf(out, "%lu,%s,%s,%c,%u.%u,%s,%s,%s,%s,%u,%c,%u.%02u,%s,%s\n",
                i, centres[gen_below(7)], arms[gen_below(3)], gen_below(2) ? 'F' : 'M',
                30 + gen_below(55), gen_below(10), ecog, diag, start, last,
                gen_below(3) ? 1u : 0u, gen_below(2) ? 'T' : 'F',
                5 + gen_below(150), gen_below(100), ki67,
                r < 3 ? notes[r] : "");
    }
    if (out != stdout && fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
