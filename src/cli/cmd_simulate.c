/*
** cmd_simulate.c -- oncostat simulate gist-liver-mets -o DIR
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oncostat/simulate.h"

static void help(void)
{
    printf("Usage: oncostat simulate gist-liver-mets -o DIR [--seed N] [--patients N]\n\n"
           "Writes a synthetic cohort (invented data) of patients with GIST liver\n"
           "metastases into DIR: patients.csv, lesions.csv and adverse_events.csv.\n"
           "The same seed always gives the same files, byte for byte.\n\n"
           "Options:\n"
           "  -o, --output DIR    directory to write into (required; created if needed)\n"
           "  --seed N            random seed (default %lu)\n"
           "  --patients N        screened patients (default %d, at most %d)\n",
           ONC_SIMULATE_DEFAULT_SEED, ONC_SIMULATE_DEFAULT_PATIENTS, ONC_SIMULATE_MAX_PATIENTS);
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    onc_simulate_options opt;
    const char *dataset = NULL, *dir = NULL, *v;
    onc_error err;
    onc_status rc;
    unsigned long n;
    int i;

    onc_simulate_options_init(&opt);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_OK;
        }
        if (strcmp(a, "-o") == 0 || cli_is_option(a, "--output")) {
            if ((dir = cli_option_value(argc, argv, &i, "--output")) == NULL)
                return CLI_USAGE;
        } else if (cli_is_option(a, "--seed")) {
            if ((v = cli_option_value(argc, argv, &i, "--seed")) == NULL)
                return CLI_USAGE;
            if (parse_count(v, 4294967295UL, &n) != 0) {
                fprintf(stderr, "oncostat simulate: --seed: expected a whole number, found '%s'\n", v);
                return CLI_USAGE;
            }
            opt.seed = n;
        } else if (cli_is_option(a, "--patients")) {
            if ((v = cli_option_value(argc, argv, &i, "--patients")) == NULL)
                return CLI_USAGE;
            if (parse_count(v, ONC_SIMULATE_MAX_PATIENTS, &n) != 0 || n == 0) {
                fprintf(stderr, "oncostat simulate: --patients: expected 1 to %d, found '%s'\n",
                        ONC_SIMULATE_MAX_PATIENTS, v);
                return CLI_USAGE;
            }
            opt.n_patients = (size_t)n;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "oncostat simulate: unknown option '%s'\n", a);
            return CLI_USAGE;
        } else if (dataset == NULL) {
            dataset = a;
        } else {
            fprintf(stderr, "oncostat simulate: unexpected argument '%s'\n", a);
            return CLI_USAGE;
        }
    }
    if (dataset == NULL || strcmp(dataset, "gist-liver-mets") != 0) {
        fprintf(stderr, "oncostat simulate: name the data set: gist-liver-mets%s%s%s\n",
                dataset ? " (unknown: '" : "", dataset ? dataset : "", dataset ? "')" : "");
        return CLI_USAGE;
    }
    if (dir == NULL) {
        fprintf(stderr, "oncostat simulate: -o DIR is required\n");
        return CLI_USAGE;
    }
    rc = onc_simulate_gist_liver(dir, &opt, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return cli_exit_code(rc);
    }
    return CLI_OK;
}
