# Build in place (O=.) or into O=DIR; see HACKING.
O ?= .
PREFIX ?= /usr/local
DESTDIR ?=
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
# tcpserver forks once per connection, and fork and exec cost less the
# fewer mappings it has: statically linked (PIE), with code and constants
# in one segment, it has 10 instead of 24. `make STATIC=` links it
# dynamically (the valgrind and sanitizer builds do). See README.
STATIC ?= -static-pie -Wl,-z,noseparate-code

CC_CMD := $(shell head -n 1 conf-cc) $(EXTRA_CFLAGS)
LD_CMD := $(shell head -n 1 conf-ld) $(EXTRA_LDFLAGS)
MYSQL_CFLAGS := $(shell mariadb_config --cflags 2>/dev/null || pkg-config --cflags mysqlclient 2>/dev/null)
MYSQL_LIBS := $(shell mariadb_config --libs 2>/dev/null || pkg-config --libs mysqlclient 2>/dev/null)

PROGS := tcpserver tcprules tcprulescheck sqlrelayd sqlrelaycheck sqlrelayopen sqlrelayexpire
SQLPROGS := sqlrelayd sqlrelaycheck sqlrelayopen sqlrelayexpire
MAN1 := tcpserver.1 tcprules.1 tcprulescheck.1 sqlrelaycheck.1 sqlrelayopen.1 sqlrelayexpire.1
# make install puts README and the examples (examples/, control-sql.example)
# under DOCDIR; the run scripts keep their execute bit.
DOCDIR ?= $(PREFIX)/share/doc/ucspi-tcp-sql
EXAMPLES := $(patsubst examples/%,%,$(shell find examples -type f 2>/dev/null))
# make deb: the .deb (and .buildinfo, .changes) lands in DEBDIR.
DEBDIR ?= build-deb

LIBSRC := $(filter-out $(addsuffix .c,$(PROGS)) sqlrelay.c,$(wildcard *.c)) $(wildcard cdb/*.c)
LIBOBJ := $(addprefix $(O)/,$(LIBSRC:.c=.o))
BINS := $(addprefix $(O)/,$(PROGS))

TESTPROGS := $(patsubst tests/%.c,$(O)/tests/bin/%,$(wildcard tests/*.c))

all: $(BINS)

testprogs: $(TESTPROGS)

$(O)/tests/bin/%: tests/%.c $(O)/libtcp.a
	@mkdir -p $(dir $@)
	$(CC_CMD) -I. -o $@ $< $(O)/libtcp.a -lresolv

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC_CMD) -MMD -MP -c -o $@ $<

$(O)/sqlrelay.o: sqlrelay.c
	@mkdir -p $(dir $@)
	$(CC_CMD) $(MYSQL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libtcp.a: $(LIBOBJ)
	rm -f $@
	ar cr $@ $(LIBOBJ)

$(O)/tcprules $(O)/tcprulescheck: $(O)/%: $(O)/%.o $(O)/libtcp.a
	$(LD_CMD) -o $@ $< $(O)/libtcp.a -lresolv

$(O)/tcpserver: $(O)/tcpserver.o $(O)/libtcp.a
	$(LD_CMD) $(STATIC) -o $@ $< $(O)/libtcp.a -lresolv

$(addprefix $(O)/,$(SQLPROGS)): $(O)/%: $(O)/%.o $(O)/sqlrelay.o $(O)/libtcp.a
	$(LD_CMD) -o $@ $< $(O)/sqlrelay.o $(O)/libtcp.a $(MYSQL_LIBS) -lpthread

test:
	tests/run

demo:
	tests/demo

bench:
	bench/run

fuzz:
	tests/fuzz run

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	for p in $(PROGS); do install -m 755 $(O)/$$p $(DESTDIR)$(PREFIX)/bin/$$p; done
	for m in $(MAN1); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/$$m; done
	install -D -m 644 README $(DESTDIR)$(DOCDIR)/README
	install -D -m 644 control-sql.example $(DESTDIR)$(DOCDIR)/examples/control-sql.example
	for f in $(EXAMPLES); do m=644; case $$f in run|*/run) m=755;; esac; \
	  install -D -m $$m examples/$$f $(DESTDIR)$(DOCDIR)/examples/$$f || exit 1; done

# The package is built from a copy of the tree in DEBDIR/src, so that
# dpkg-buildpackage's clean step never touches the programs built here
# (the tests run them) and the tree stays as it was.
deb:
	rm -rf $(DEBDIR)/src && mkdir -p $(DEBDIR)/src
	tar -cf - --exclude=./.git --exclude='./build-*' --exclude='./$(DEBDIR)' . | tar -C $(DEBDIR)/src -xf -
	cd $(DEBDIR)/src && dpkg-buildpackage -us -uc -b
	rm -rf $(DEBDIR)/src
	@ls $(DEBDIR)/*.deb

clean:
	rm -f $(BINS) $(O)/*.o $(O)/cdb/*.o $(O)/*.d $(O)/cdb/*.d $(O)/libtcp.a
	rm -rf build-* $(O)/tests/bin

.PHONY: all testprogs test demo bench fuzz install deb clean

-include $(wildcard $(O)/*.d $(O)/cdb/*.d)
