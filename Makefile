# oncostat -- plain Makefile with pkg-config.
#
#   make            build the library (build/liboncostat.a) and CLI (build/oncostat)
#   make check      install missing Debian packages, build, run every test,
#                   then run the whole suite again under ASan+UBSan
#   make demo       install, build, run the bundled example study
#   make SANITIZE=1 build into build-asan/ with AddressSanitizer+UBSan
#   make fuzz       build the libFuzzer targets (clang) into build-fuzz/
#   make bench      run the benchmarks in bench/ (needs R; see bench/README.md)

CC      ?= cc
# ReadStat ships no pkg-config file in Debian; it is linked by name.
PKGS    := gsl yaml-0.1 cairo pangocairo
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lreadstat

WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
STD     := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L

ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
LDSAN   := -fsanitize=address,undefined
else
BUILD   ?= build
OPT     := -O2 -g
LDSAN   :=
endif

CFLAGS  += $(STD) $(WARN) $(OPT) -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lm -lpthread

LIB_SRC := $(shell find src -name '*.c' ! -path 'src/cli/*' | sort)
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(shell find tests -name 'test_*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
HARNESS_OBJ := $(BUILD)/obj/tests/harness.o

.SECONDARY: $(HARNESS_OBJ)

.PHONY: all lib cli tests check check-only demo deps fuzz fuzz-run bench clean

all: lib cli

lib: $(BUILD)/liboncostat.a
cli: $(BUILD)/oncostat
tests: $(TEST_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/liboncostat.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/oncostat: $(CLI_OBJ) $(BUILD)/liboncostat.a
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(BUILD)/liboncostat.a $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(HARNESS_OBJ) $(BUILD)/liboncostat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(HARNESS_OBJ) $(BUILD)/liboncostat.a $(LDSAN) $(LDLIBS)

deps:
	@sh scripts/install-deps.sh

# The test command of the README: both builds, one closing line.
check: deps
	@$(MAKE) --no-print-directory all tests
	@$(MAKE) --no-print-directory SANITIZE=1 all tests
	@$(MAKE) --no-print-directory fuzz
	@sh tests/run.sh

# Run the suite without touching packages (for development loops).
check-only: all tests
	@sh tests/run.sh build

demo: deps all
	@sh examples/run-demo.sh

FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)

fuzz: $(FUZZ_BIN)

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(STD) $(WARN) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build-fuzz/%: fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	clang $(STD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Isrc $(PKG_CFLAGS) -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS) -lm -lpthread

# Explore beyond the seed corpora for FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	@for t in $(FUZZ_BIN); do n=$$(basename $$t); mkdir -p fuzz/corpus/$$n; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=tests/regress/$$n- fuzz/corpus/$$n || exit 1; done

bench: all
	@sh bench/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) build-fuzz -name '*.d' 2>/dev/null)
