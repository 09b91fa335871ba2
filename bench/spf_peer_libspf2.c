/* libspf2 on its in-memory zone layer, evaluating the same policies as bench_spf
 * (bench/spf_bench_records.txt). Prints one line per scenario:
 *   libspf2 NAME RESULT CHECKS_PER_SECOND(cpu) CHECKS_PER_SECOND(wall)
 *   spf_peer_libspf2 RECORDS [ITERATIONS|SECONDSs] [zone|cache|resolv]
 * "2s" (a number followed by s) runs each scenario for that many seconds of wall time instead
 * of a fixed number of checks.
 * zone (default): libspf2's in-memory zone layer holding the records.
 * cache: libspf2's default server (its resolv layer over /etc/resolv.conf, with its in-process
 *   cache layer in front); resolv: the resolv layer alone (every lookup goes to the server).
 *   The records must then be served by the DNS server resolv.conf names
 *   (bench/spf-compare-dns does this in a private network namespace).
 * Build and run through bench/spf-compare and bench/spf-compare-dns. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#define MAX_SCENARIOS 32

struct scenario {
  char name[64], ip[64], mail_from[256], helo[256], expected[32];
};

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char* run_once(SPF_server_t* server, const struct scenario* s) {
  SPF_request_t* request = SPF_request_new(server);
  SPF_response_t* response = NULL;
  SPF_request_set_ipv4_str(request, s->ip);
  SPF_request_set_helo_dom(request, s->helo);
  SPF_request_set_env_from(request, s->mail_from);
  SPF_request_query_mailfrom(request, &response);
  const char* result = SPF_strresult(SPF_response_result(response));
  SPF_response_free(response);
  SPF_request_free(request);
  return result;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "spf_bench_records.txt";
  long iterations = argc > 2 ? atol(argv[2]) : 20000;
  double duration = 0; /* > 0: run each scenario this many seconds */
  if (argc > 2 && argv[2][0] != 0 && argv[2][strlen(argv[2]) - 1] == 's') duration = atof(argv[2]);
  const char* mode = argc > 3 ? argv[3] : "zone";
  if (strcmp(mode, "zone") != 0 && strcmp(mode, "cache") != 0 && strcmp(mode, "resolv") != 0) {
    fprintf(stderr, "mode must be zone, cache or resolv\n");
    return 2;
  }
  FILE* in = fopen(path, "r");
  if (!in) {
    perror(path);
    return 2;
  }
  SPF_dns_server_t* zone = SPF_dns_zone_new(NULL, "bench", 0);
  struct scenario scenarios[MAX_SCENARIOS];
  int count = 0;
  char line[2048];
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == 0 || line[0] == '#') continue;
    if (strncmp(line, "@scenario ", 10) == 0) {
      if (count == MAX_SCENARIOS) continue;
      struct scenario* s = &scenarios[count++];
      sscanf(line + 10, "%63s %63s %255s %255s %31s", s->name, s->ip, s->mail_from, s->helo,
             s->expected);
      continue;
    }
    char owner[256], type[16];
    int used = 0;
    if (sscanf(line, "%255s %15s %n", owner, type, &used) < 2) continue;
    const char* data = line + used;
    if (strcmp(type, "TXT") == 0) {
      SPF_dns_zone_add_str(zone, owner, ns_t_txt, NETDB_SUCCESS, data);
    } else if (strcmp(type, "A") == 0) {
      SPF_dns_zone_add_str(zone, owner, ns_t_a, NETDB_SUCCESS, data);
    } else if (strcmp(type, "AAAA") == 0) {
      SPF_dns_zone_add_str(zone, owner, ns_t_aaaa, NETDB_SUCCESS, data);
    } else if (strcmp(type, "MX") == 0) {
      const char* host = strchr(data, ' '); /* libspf2 zone MX data is the host only */
      SPF_dns_zone_add_str(zone, owner, ns_t_mx, NETDB_SUCCESS, host ? host + 1 : data);
    }
  }
  fclose(in);
  SPF_server_t* server;
  if (strcmp(mode, "zone") == 0) {
    server = SPF_server_new_dns(zone, 0);
  } else {
    SPF_dns_free(zone);
    server = SPF_server_new(strcmp(mode, "cache") == 0 ? SPF_DNS_CACHE : SPF_DNS_RESOLV, 0);
  }
  for (int i = 0; i < count; ++i) {
    const struct scenario* s = &scenarios[i];
    const char* result = run_once(server, s);
    double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
    long done = 0;
    if (duration > 0) {
      while (seconds(CLOCK_MONOTONIC) - wall0 < duration) {
        for (int k = 0; k < 100; ++k) run_once(server, s);
        done += 100;
      }
    } else {
      for (; done < iterations; ++done) run_once(server, s);
    }
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = seconds(CLOCK_MONOTONIC) - wall0;
    printf("libspf2 %s %s%s %.0f %.0f\n", s->name, result,
           strcmp(result, s->expected) == 0 ? "" : "(UNEXPECTED)", done / cpu, done / wall);
  }
  SPF_server_free(server);
  return 0;
}
