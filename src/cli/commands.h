/* commands.h -- entry points of the subcommands (see commands.def). */
#ifndef ONC_CLI_COMMANDS_H
#define ONC_CLI_COMMANDS_H

#define ONC_COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef ONC_COMMAND

#endif
