# journey: PGXS build.  `make && make install`, then `make installcheck`
# against a running server (scripts/test.sh sets one up).

EXTENSION = journey
MODULE_big = journey
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
JOURNEY_HEADERS = $(wildcard include/*.h)
DATA = $(wildcard sql/extension/journey--*.sql)

REGRESS = $(sort $(notdir $(basename $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=journey

PG_CPPFLAGS = -I$(srcdir)/include
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
ifdef WERROR
PG_CFLAGS += -Werror
endif
SHLIB_LINK = -lgsl -lgslcblas -lm

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): $(JOURNEY_HEADERS)
