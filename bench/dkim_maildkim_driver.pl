# Mail::DKIM over the same corpus as bench_dkim --verify-corpus (messages in memory, DNS
# replaced by a hash over dns.txt). RSA only: Debian's Mail::DKIM has no ed25519.
#   dkim_maildkim_driver.pl DNS_FILE SECONDS MESSAGE...  ->  "msgs/s MB/s passed/total"
use strict; use warnings;
use Mail::DKIM::Verifier; use Net::DNS; use Time::HiRes qw(time);
my ($dnsfile, $seconds, @paths) = @ARGV;
my %dns;
open(my $f, '<', $dnsfile) or die; while (<$f>) { chomp; my ($n, $v) = split / /, $_, 2; $dns{lc $n} = $v; }
{ no warnings 'redefine';
  *Mail::DKIM::DNS::query = sub {
    my ($d) = @_; $d =~ s/\.$//; my $v = $dns{lc $d};
    if (!defined $v) { $@ = 'NXDOMAIN'; return; }
    return Net::DNS::RR->new(name => $d, type => 'TXT', txtdata => [unpack('(a255)*', $v)]);
  }; }
my @msgs = map { local $/; open(my $m, '<', $_) or die; binmode $m; scalar <$m> } @paths;
my ($done, $bytes, $passed, $total) = (0, 0, 0, 0);
my $start = time; my $elapsed;
do {
  for my $m (@msgs) {
    my $v = Mail::DKIM::Verifier->new(); $v->PRINT($m); $v->CLOSE;
    for my $s ($v->signatures) { $total++; $passed++ if $s->result eq 'pass'; }
    $done++; $bytes += length $m;
  }
  $elapsed = time - $start;
} while ($elapsed < $seconds);
printf("%.0f %.1f %d/%d\n", $done / $elapsed, $bytes / $elapsed / 1e6, $passed, $total);
