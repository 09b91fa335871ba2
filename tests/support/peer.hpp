// Running the peer implementations Debian ships (dkimpy, Mail::DKIM, opendkim, python3-authres)
// from interop tests: a shell command's output, whether a peer is installed, and the DNS hooks
// that make dkimpy and Mail::DKIM read keys from a "name value" file instead of the network.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "support/conformance.hpp"

namespace senderauth::testing {

// Debian's interpreter: another python3 earlier on PATH may not see python3-dkim.
inline constexpr const char* kPython = "/usr/bin/python3";

// What `cmd` wrote to standard output and standard error.
std::string run_shell(const std::string& cmd);
// Whether `cmd` ran and exited 0 (its output discarded).
bool command_succeeds(const std::string& cmd);

// Python that reads the "name value" file sys.argv[1] into `dnsfunc(name)`, dkimpy's DNS hook.
inline constexpr std::string_view kDkimpyDnsHook = R"PY(
import sys
records = {}
for line in open(sys.argv[1]):
    name, value = line.rstrip('\n').split(' ', 1)
    records[name.lower().rstrip('.')] = value.encode()
def dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode()
    return records.get(name.lower().rstrip('.'))
)PY";

// dkimpy's ARC sealer (arc_sign, which needs python3-authres): argv = key selector domain
// authserv-id timestamp in out. The message must carry an Authentication-Results field of that
// authserv-id (with arc= from the second hop on); the new set gets the message's line ends.
inline constexpr std::string_view kDkimpyArcSeal = R"PY(
import sys, dkim
key, selector, domain, srv_id, timestamp, src, dst = sys.argv[1:8]
data = open(src, 'rb').read()
linesep = b'\r\n' if b'\r\n' in data else b'\n'
fields = dkim.arc_sign(data, selector.encode(), domain.encode(), open(key, 'rb').read(),
                       srv_id.encode(), timestamp=int(timestamp), linesep=linesep)
if not fields:
    sys.exit('dkimpy added no ARC set')
open(dst, 'wb').write(b''.join(fields) + data)
)PY";
// Whether dkimpy and python3-authres load, so that kDkimpyArcSeal can run.
bool have_dkimpy_arc();

// Runs a differential script of tests/ (`SCRIPT CLI SCRATCH SEED COUNT [MODE]`: random cases
// checked by senderauth's CLI and by a peer) once per seed, in a scratch folder. Each run must
// exit 0 and print `agreed`, its summary when nothing differs ("0 of 150 messages fail").
void expect_differential_agrees(std::string_view script, std::initializer_list<int> seeds,
                                int count, std::string_view mode, std::string_view agreed);

// Perl that reads the "name value" file shift(@ARGV) and answers Mail::DKIM's TXT queries from
// it (NXDOMAIN for other names).
inline constexpr std::string_view kMailDkimDnsHook = R"PL(
use strict; use warnings;
use Net::DNS; use Mail::DKIM::DNS;
my %dns;
open(my $f, '<', shift @ARGV) or die;
while (<$f>) { chomp; my ($n, $v) = split / /, $_, 2; $n =~ s/\.$//; $dns{lc $n} = $v; }
{
  no warnings 'redefine';
  *Mail::DKIM::DNS::query = sub {
    my ($d, $t) = @_; $d =~ s/\.$//;
    my $v = $dns{lc $d};
    if (!defined $v) { $@ = 'NXDOMAIN'; return; }
    return Net::DNS::RR->new(name => $d, type => 'TXT', txtdata => [unpack('(a255)*', $v)]);
  };
}
)PL";

}  // namespace senderauth::testing

// A peer that is not installed: skipped in a user's clone, a failure under CI=true, where
// scripts/install-deps has installed every peer.
#define SENDERAUTH_NEED_PEER(present, package)                                              \
  do {                                                                                      \
    if (!(present)) {                                                                       \
      if (::senderauth::testing::running_in_ci()) FAIL() << package << " missing under CI"; \
      GTEST_SKIP() << package << " not installed";                                          \
    }                                                                                       \
  } while (0)
