/* Runs a system codec library in a child process, so that what it does on a hostile codestream
 * — an assert() that aborts (Debian's OpenJPEG 2.5.0 is built with assertions, and its HTJ2K
 * decoder asserts on data it should refuse; found by FuzzDICOM), a crash, an endless loop
 * (CharLS 2.4.1 on some scans) — becomes an error value here instead of the end of detect. */
#include "ccodecs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct shared_head {
    int status;
    ccodecs_message message;
} shared_head;

/* CPU seconds the child has used (user + system, all its threads), from /proc; -1 without it.
 * The deadline is on CPU time, so a child starved by a busy machine is not killed for it. */
static double child_cpu_seconds(pid_t child) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return -1;
    text[n] = 0;
    const char *after = strrchr(text, ')');  /* the command name may hold spaces */
    if (after == NULL) return -1;
    unsigned long utime = 0, stime = 0;
    /* Fields after the name: state (3) … utime (14), stime (15). */
    if (sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
    long ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? (double)(utime + stime) / (double)ticks : -1;
}

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int ccodecs_run_isolated(ccodecs_isolated_work work, void *context, void *output, size_t output_bytes,
                         double seconds, const char *library, ccodecs_message *error) {
    size_t head_bytes = (sizeof(shared_head) + 63) & ~(size_t)63;
    size_t total = head_bytes + output_bytes;
    void *map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        ccodecs_set_message(error, "out of memory for the %s decoder's output", library);
        return 1;
    }
    shared_head *head = map;
    uint8_t *shared_output = (uint8_t *)map + head_bytes;
    head->status = -1;
    pid_t child = fork();
    if (child < 0) {
        ccodecs_set_message(error, "could not start a process for the %s decoder (%s)", library, strerror(errno));
        munmap(map, total);
        return 1;
    }
    if (child == 0) {
        /* Default actions (the parent's crash handlers would print a backtrace of the whole
         * program), and the library's assert messages kept off detect's stderr. */
        int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDERR_FILENO);
        head->status = work(context, shared_output, output_bytes, &head->message);
        _exit(0);
    }
    int status = 0;
    /* `seconds` of CPU time, or of wall time where /proc cannot tell; a child blocked for ten
     * times that long without using it is stopped as well. */
    double started = seconds_now();
    long pause_ns = 50000;
    for (;;) {
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) break;
        if (done < 0 && errno != EINTR) {
            ccodecs_set_message(error, "lost the %s decoder's process (%s)", library, strerror(errno));
            munmap(map, total);
            return 1;
        }
        double cpu = child_cpu_seconds(child);
        double wall = seconds_now() - started;
        if ((cpu >= 0 ? cpu : wall) > seconds || wall > 10 * seconds) {
            kill(child, SIGKILL);
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
            ccodecs_set_message(error, "%s did not finish within %.1f s of CPU time on this codestream (it is corrupt)", library, seconds);
            munmap(map, total);
            return 1;
        }
        struct timespec pause = {0, pause_ns};
        nanosleep(&pause, NULL);
        if (pause_ns < 2000000) pause_ns *= 2;
    }
    int result = 1;
    if (WIFSIGNALED(status)) {
        ccodecs_set_message(error, "%s stopped on this codestream (signal %d: a failed check inside the library; the codestream is corrupt)",
                            library, WTERMSIG(status));
    } else if (head->status == 0) {
        memcpy(output, shared_output, output_bytes);
        result = 0;
    } else {
        head->message.text[sizeof head->message.text - 1] = 0;
        *error = head->message;
    }
    munmap(map, total);
    return result;
}

/* For the tests of this file: work that succeeds, aborts, or spins forever. */
static int selftest_work(void *context, void *output, size_t output_bytes, ccodecs_message *message) {
    int mode = *(int *)context;
    if (mode == 1) abort();
    if (mode == 2) for (volatile unsigned long spin = 0;; spin++) {}
    memset(output, 0x5A, output_bytes);
    (void)message;
    return 0;
}

int ccodecs_isolation_selftest(int mode, double seconds, uint8_t *output, size_t output_bytes, ccodecs_message *error) {
    return ccodecs_run_isolated(selftest_work, &mode, output, output_bytes, seconds, "the self-test", error);
}
