/*
 * The thread pool's C half: a "parallel for" that the main thread runs kernels through.
 *
 * In the threads build (`-matomics`, shared imported memory) every worker runs its own instance
 * of this module over the same memory, so the `job` below is one object that all threads see.
 * Workers sit in st_worker_loop; the main thread publishes a job (a task function, its context
 * and a task count), wakes them, claims tasks itself like any worker, and returns once every
 * task is done. Tasks are claimed one at a time from an atomic counter, so a busy or slow core
 * just takes fewer of them (and if no worker wakes in time, the main thread does them all).
 * Only the main thread allocates, and only outside a job: the heap is not thread-safe and does
 * not need to be.
 *
 * In the single-threaded build there are no atomics: st_threads_init refuses, and par_for runs
 * every task inline on the caller.
 */
#include "common.h"

/* Polls before sleeping: waking a sleeping thread costs tens of microseconds, a poll nanoseconds. */
#define SPIN_MAIN (1 << 16)
#define SPIN_WORKER (1 << 15)

/*
 * Claims carry the job's generation in their high 32 bits: a worker that was descheduled while
 * claiming may increment the counter after its job ended (or after the next one began), and the
 * generation check turns that late claim down instead of running a task twice.
 */
static struct {
  int32_t seq;      /* bumped (and notified) once per job; workers wait on it */
  int32_t done;     /* tasks finished (or failed) in this job */
  int32_t quit;
  int32_t error;    /* set when a worker trapped inside a task */
  uint64_t claim;   /* generation << 32 | index of the next unclaimed task */
  uint64_t current; /* generation << 32 | task count of the job being run */
  task_fn fn;
  void *ctx;
} job __attribute__((aligned(8)));

static int32_t thread_count = 1; /* threads a parallel job uses, the main thread included */
static int32_t ready_count = 1;  /* threads whose per-thread buffers exist */
static double min_work = 0;      /* a job smaller than this (in flops) runs on the main thread */
static int32_t can_block = 0;    /* may the main thread sleep (memory.atomic.wait traps on a browser's main thread) */
static int32_t in_job = 0;
static uint32_t dispatches = 0;

INLINE int32_t load(int32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
INLINE void store(int32_t *p, int32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
INLINE int32_t fetch_add(int32_t *p, int32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
INLINE uint64_t load64(uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
INLINE void store64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }

INLINE void wake(int32_t *p) {
#ifdef __wasm_atomics__
  __builtin_wasm_memory_atomic_notify(p, 0x7fffffff);
#else
  (void)p;
#endif
}

/* Sleeps while *p == expected (or until the timeout, in ns; -1 is forever). */
INLINE void sleep_while(int32_t *p, int32_t expected, int64_t timeout) {
#ifdef __wasm_atomics__
  __builtin_wasm_memory_atomic_wait32(p, expected, timeout);
#else
  (void)p; (void)expected; (void)timeout;
#endif
}

int par_threads(double work) {
  return in_job || work < min_work ? 1 : thread_count;
}

/* Claims and runs tasks of the current job until none are left. */
static void run_claims(int tid) {
  for (;;) {
    uint64_t c = __atomic_fetch_add(&job.claim, 1, __ATOMIC_SEQ_CST);
    /* Read after the claim: a job cannot end (and be replaced) while one of its tasks is claimed. */
    uint64_t cur = load64(&job.current);
    int32_t i = (int32_t)(uint32_t)c, tasks = (int32_t)(uint32_t)cur;
    if ((c >> 32) != (cur >> 32) || i >= tasks) return;
    job.fn(job.ctx, i, tid);
    if (fetch_add(&job.done, 1) + 1 == tasks) wake(&job.done);
  }
}

int par_for(task_fn fn, void *ctx, int tasks, double work) {
  int nt = par_threads(work);
  if (nt <= 1 || tasks <= 1) {
    for (int i = 0; i < tasks; i++) fn(ctx, i, 0);
    return 1;
  }
  in_job = 1;
  uint64_t generation = (load64(&job.current) >> 32) + 1;
  job.fn = fn;
  job.ctx = ctx;
  store(&job.done, 0);
  store64(&job.current, generation << 32 | (uint32_t)tasks);
  store64(&job.claim, generation << 32); /* from here on, tasks can be claimed */
  store(&job.seq, load(&job.seq) + 1);
  wake(&job.seq);
  dispatches++;
  run_claims(0);
  int spins = 0;
  for (;;) {
    int32_t d = load(&job.done);
    if (d >= tasks) break;
    if (can_block && ++spins > SPIN_MAIN) sleep_while(&job.done, d, 1000000);
  }
  in_job = 0;
  return nt;
}

/* A worker's life: wait for a job, help with it, repeat until told to quit. `seen` is the job
 * sequence number the worker has already handled. */
EXPORT(st_worker_loop) void st_worker_loop(int tid, int32_t seen) {
  for (;;) {
    int spins = 0;
    int32_t s;
    while ((s = load(&job.seq)) == seen) {
      if (++spins > SPIN_WORKER) { sleep_while(&job.seq, seen, -1); spins = 0; }
    }
    seen = s;
    if (load(&job.quit)) return;
    run_claims(tid);
  }
}

/* Called by a worker's JS after its instance trapped inside a task: counts the task as done,
 * so the main thread stops waiting, and flags the job as failed. */
EXPORT(st_worker_failed) void st_worker_failed(void) {
  store(&job.error, 1);
  if (fetch_add(&job.done, 1) + 1 >= (int32_t)(uint32_t)load64(&job.current)) wake(&job.done);
}

EXPORT(st_job_seq) int32_t st_job_seq(void) { return load(&job.seq); }

/* 1 if a worker trapped since the last call (then clears it). */
EXPORT(st_thread_error) int32_t st_thread_error(void) {
  int32_t e = load(&job.error);
  store(&job.error, 0);
  return e;
}

/*
 * Prepares per-thread buffers for threads 1..n-1 (allocated from the heap here, on the main
 * thread). Returns the number of threads that can run (1 where this build has no atomics).
 */
EXPORT(st_threads_init) int st_threads_init(int n, int blocking) {
#ifdef __wasm_atomics__
  if (n > MAX_THREADS) n = MAX_THREADS;
  for (int tid = ready_count; tid < n; tid++) {
    if (!gemm_init_thread(tid)) break;
    ready_count = tid + 1;
  }
  can_block = blocking;
  return ready_count;
#else
  (void)n; (void)blocking;
  return 1;
#endif
}

/* Sets how many threads a parallel job uses and the smallest job (in flops) worth splitting. */
EXPORT(st_threads_set) int st_threads_set(int n, double minimum_work) {
  thread_count = n < 1 ? 1 : n > ready_count ? ready_count : n;
  min_work = minimum_work;
  return thread_count;
}

/* Tells every worker to return from st_worker_loop. */
EXPORT(st_threads_quit) void st_threads_quit(void) {
  store(&job.quit, 1);
  store(&job.seq, load(&job.seq) + 1);
  wake(&job.seq);
  thread_count = 1;
}

/* Jobs that really ran on several threads (tests use it to check the threaded path ran). */
EXPORT(st_par_dispatches) uint32_t st_par_dispatches(void) { return dispatches; }
