/* libopendkim over the same corpus as bench_dkim --verify-corpus: messages held in memory,
 * keys from memory (a key-lookup callback over dns.txt), every signature checked.
 *   dkim_opendkim_driver DNS_FILE SECONDS MESSAGE...  ->  "msgs/s MB/s passed/total"
 * Build: cc -O2 -o dkim_opendkim_driver dkim_opendkim_driver.c -lopendkim */
#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char names[16][256];
static char records[16][1024];
static int nrecords;

static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, unsigned char *buf, size_t buflen) {
  char want[512];
  (void)dkim;
  snprintf(want, sizeof want, "%s._domainkey.%s", dkim_sig_getselector(sig),
           dkim_sig_getdomain(sig));
  for (int i = 0; i < nrecords; i++) {
    if (strcmp(names[i], want) == 0) {
      snprintf((char *)buf, buflen, "%s", records[i]);
      return DKIM_CBSTAT_CONTINUE;
    }
  }
  return DKIM_CBSTAT_NOTFOUND;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  FILE *f = fopen(argv[1], "r");
  char line[2048];
  while (f && fgets(line, sizeof line, f) && nrecords < 16) {
    char *sp = strchr(line, ' ');
    if (!sp) continue;
    *sp = 0;
    line[strcspn(sp + 1, "\n") + (sp + 1 - line)] = 0;
    snprintf(names[nrecords], sizeof names[0], "%s", line);
    snprintf(records[nrecords], sizeof records[0], "%s", sp + 1);
    nrecords++;
  }
  if (f) fclose(f);
  double seconds = atof(argv[2]);
  int n = argc - 3;
  char **msgs = calloc(n, sizeof *msgs);
  size_t *lens = calloc(n, sizeof *lens);
  for (int i = 0; i < n; i++) {
    FILE *m = fopen(argv[3 + i], "rb");
    if (!m) return 2;
    fseek(m, 0, SEEK_END);
    lens[i] = ftell(m);
    fseek(m, 0, SEEK_SET);
    msgs[i] = malloc(lens[i]);
    if (fread(msgs[i], 1, lens[i], m) != lens[i]) return 2;
    fclose(m);
  }
  DKIM_LIB *lib = dkim_init(NULL, NULL);
  dkim_set_key_lookup(lib, key_lookup);
  size_t done = 0, bytes = 0, passed = 0, total = 0;
  double start = now(), elapsed;
  do {
    for (int i = 0; i < n; i++) {
      DKIM_STAT st;
      DKIM *d = dkim_verify(lib, (const unsigned char *)"bench", NULL, &st);
      dkim_chunk(d, (unsigned char *)msgs[i], lens[i]);
      dkim_chunk(d, NULL, 0);
      dkim_eom(d, NULL);
      DKIM_SIGINFO **sigs;
      int nsigs = 0;
      if (dkim_getsiglist(d, &sigs, &nsigs) == DKIM_STAT_OK) {
        for (int s = 0; s < nsigs; s++) {
          total++;
          if (DKIM_SIG_CHECK(sigs[s])) passed++;
        }
      }
      dkim_free(d);
      done++;
      bytes += lens[i];
    }
    elapsed = now() - start;
  } while (elapsed < seconds);
  printf("%.0f %.1f %zu/%zu\n", done / elapsed, bytes / elapsed / 1e6, passed, total);
  dkim_close(lib);
  return 0;
}
