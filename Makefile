# Seam - build, run and test.  See README.md.
#
#   make          build build/seam
#   make run      install what is missing, build, create the demo database, serve
#   make test     install what is missing, build, run every test (unit, API, browser)
#   make check    formatting and banned functions
#   make bench    import rate and API latency at scale (bench/README.md; BENCH_SCALE=england for the full size),
#                 then the HTTP section (make bench-http: wrk against a libmicrohttpd ceiling)

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2
OPT     ?= -O2 -g
PKGS    := libmicrohttpd jansson sqlite3 libsodium libpq
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

DB      ?= seam-demo.db
LISTEN  ?= 127.0.0.1:8080

HDRS     := $(shell find src -name '*.h')
CORE_SRC := $(wildcard src/common/*.c) $(wildcard src/core/*.c)
# app and http are in rooms (one folder per feature): every .c below them.
LIB_SRC  := $(CORE_SRC) $(wildcard src/store/*.c) $(sort $(shell find src/app src/http -name '*.c')) \
            $(wildcard src/gen/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
GEN_SRC  := build/gen/bank_holidays.c

OBJ      := $(patsubst %.c,build/obj/%.o,$(LIB_SRC) $(CLI_SRC)) build/obj/gen/bank_holidays.o
CORE_OBJ := $(patsubst %.c,build/obj/%.o,$(CORE_SRC)) build/obj/gen/bank_holidays.o
ASAN_CORE_OBJ := $(patsubst build/obj/%,build/asan/%,$(CORE_OBJ))
ASAN_OBJ := $(patsubst build/obj/%,build/asan/%,$(OBJ))
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Unit tests mirror src: tests/unit/{common,core,store,app,http}/test_*.c; each is one binary
# named after its file (build/tests/test_x).
UNIT_DIRS := $(sort $(dir $(wildcard tests/unit/*/test_*.c)))
UNIT_SRC  := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN  := $(patsubst %.c,build/tests/%,$(notdir $(UNIT_SRC)))
UNIT_ASAN := $(patsubst %.c,build/asan-tests/%,$(notdir $(UNIT_SRC)))
vpath test_%.c $(UNIT_DIRS)

.PHONY: all run test check deps unit clean demo bench bench-http
all: build/seam

build/gen/bank_holidays.c: data/bank-holidays-england-and-wales.csv scripts/holidays2c.awk
	@mkdir -p $(@D)
	awk -f scripts/holidays2c.awk $< > $@.tmp && mv $@.tmp $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
build/obj/%.o: %.c $(HDRS) | build/gen/bank_holidays.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -c $< -o $@
build/asan/%.o: %.c $(HDRS) | build/gen/bank_holidays.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -c $< -o $@

build/seam: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/seam-asan: $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)

# Unit tests link the whole library (minus the CLI) so store/app tests work too.
LIBONLY_OBJ := $(filter-out build/obj/src/cli/%,$(OBJ))
ASAN_LIBONLY_OBJ := $(filter-out build/asan/src/cli/%,$(ASAN_OBJ))
build/tests/%: %.c $(LIBONLY_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBONLY_OBJ) $(LDLIBS) -lcmocka
build/asan-tests/%: %.c $(ASAN_LIBONLY_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -Itests/unit -o $@ $< $(ASAN_LIBONLY_OBJ) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN) $(UNIT_ASAN)

deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@test -f $(DB) || ./build/seam demo --db $(DB)
	@echo "Demo sign-ins (choose one on the sign-in page):"
	@./build/seam demo --db $(DB) --list-users
	@echo "Seam is at http://$(LISTEN)/"
	./build/seam serve --db $(DB) --listen $(LISTEN) --dev

test: deps
	@$(MAKE) --no-print-directory all build/seam-asan unit
	@scripts/run-tests.sh

check:
	@scripts/check.sh

bench: all build/bench-ceiling
	@bench/run.sh
	@bench/http.sh

# The ceiling of the HTTP benchmark: libmicrohttpd as seam serve starts it, a fixed body.
build/bench-ceiling: bench/ceiling.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

bench-http: all build/bench-ceiling
	@bench/http.sh

clean:
	rm -rf build
