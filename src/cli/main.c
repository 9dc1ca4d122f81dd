/*
** main.c -- the oncostat command: dispatch to subcommands.
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
#define ONC_COMMAND(name, fn, summary) {name, fn, summary},
#include "commands.def"
#undef ONC_COMMAND
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    size_t k;

    fprintf(fp, "oncostat %s -- results of cancer treatment studies from patient data\n\n"
                "Usage: oncostat COMMAND [OPTIONS] ...\n\nCommands:\n", ONC_VERSION);
    for (k = 0; k < N_COMMANDS; k++)
        fprintf(fp, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fprintf(fp, "\nRun 'oncostat COMMAND --help' for the options of a command.\n"
                "Exit status: 0 success, 1 analysis could not be computed, "
                "2 usage or input error.\n");
}

int main(int argc, char **argv)
{
    size_t k;

    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("oncostat %s\n", ONC_VERSION);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3) {
            for (k = 0; k < N_COMMANDS; k++)
                if (strcmp(argv[2], commands[k].name) == 0) {
                    char *help_argv[] = {argv[2], (char *)"--help", NULL};
                    return commands[k].run(2, help_argv);
                }
        }
        usage(stdout);
        return CLI_OK;
    }
    for (k = 0; k < N_COMMANDS; k++)
        if (strcmp(argv[1], commands[k].name) == 0)
            return commands[k].run(argc - 1, argv + 1);
    fprintf(stderr, "oncostat: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
