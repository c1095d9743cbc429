/* libFuzzer target: the tcpserver <-> sqlrelayd messages (relaymsg.h).
   Input: the bytes of one message, tried as a request and as a reply.
   The encoding is canonical, so a message that unpacks must pack back to
   the very same bytes; unpacked strings stay inside their fields. */
#include "fuzz.h"
#include "relaymsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  char *msg = malloc(n ? n : 1), *out = malloc(RELAYMSG_MAX);
  struct relaymsg_request q;
  struct relaymsg_reply a;
  size_t len;

  if (!msg || !out) abort();
  memcpy(msg, d, n);
  memset(&q, 0x55, sizeof q);
  if (relaymsg_request_unpack(&q, msg, n)) {
    FUZZ_ASSERT(memchr(q.ip, 0, sizeof q.ip) && q.ip[0]);
    len = relaymsg_request_pack(out, RELAYMSG_MAX, &q);
    FUZZ_ASSERT(len == n && !memcmp(out, msg, n));
    FUZZ_ASSERT(relaymsg_request_pack(out, len - 1, &q) == 0);
  }
  memset(&a, 0x55, sizeof a);
  if (relaymsg_reply_unpack(&a, msg, n)) {
    FUZZ_ASSERT(memchr(a.server, 0, sizeof a.server) && memchr(a.why, 0, sizeof a.why));
    FUZZ_ASSERT(a.varslen <= RELAYMSG_VARSMAX && relaymsg_vars_ok(a.vars, a.varslen));
    FUZZ_ASSERT(a.result == RELAYMSG_RELAY || a.result == RELAYMSG_NORELAY || a.result == RELAYMSG_ERROR);
    len = relaymsg_reply_pack(out, RELAYMSG_MAX, &a);
    FUZZ_ASSERT(len == n && n <= RELAYMSG_MAX && !memcmp(out, msg, n));
    FUZZ_ASSERT(relaymsg_reply_pack(out, len - 1, &a) == 0);
  }
  if (n <= RELAYMSG_VARSMAX && relaymsg_vars_ok(msg, n)) {
    size_t start = 0, k;
    FUZZ_ASSERT(!n || msg[n - 1] == 0);
    for (k = 0; k < n; ++k)
      if (!msg[k]) {
        FUZZ_ASSERT(k > start && msg[start] != '=' && memchr(msg + start, '=', k - start));
        start = k + 1;
      }
  }
  free(out);
  free(msg);
  return 0;
}
