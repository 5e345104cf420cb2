/*
 * runstat: run one command, report its wall time and peak memory.
 *
 *   runstat -o RESULT [-n] [-c CHECK] -- COMMAND [ARG...]
 *
 * Writes "<elapsed_ns> <maxrss_kb> <exit_status> <check_status> <user_ns>" to
 * RESULT; user_ns is the command's user CPU time (wait4's ru_utime): its own
 * work, apart from what the kernel does for it.
 * The clock (CLOCK_MONOTONIC) starts just before fork() and stops when
 * wait4() returns; maxrss is wait4()'s ru_maxrss, the peak of the command
 * and of every process it waited for (a shell loop reports its largest run).
 *
 * Why not time it from Python: a child spawned by a big process inherits that
 * process's RSS high-water mark at exec, which would swamp a 2 MB program.
 * This helper is a few KB of anonymous memory, so the numbers are the
 * command's own.
 *
 * -n: before the clock starts, move into a fresh network namespace with a
 *     private mount namespace and sysfs mounted again on /sys (needs
 *     CAP_SYS_ADMIN, i.e. run inside `unshare -Urnm`). Everything the command
 *     creates disappears when runstat exits.
 * -c: after the clock stops, run CHECK with /bin/sh in the same namespace and
 *     report its exit status (e.g. to count the bridges a batch created).
 *
 * Part of benches/compare.sh; not built by cargo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "runstat: %s: %s\n", what, strerror(errno));
    exit(125);
}

static int status_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int main(int argc, char **argv) {
    const char *out = NULL, *check = NULL;
    int fresh = 0, opt;
    while ((opt = getopt(argc, argv, "+o:nc:")) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'n': fresh = 1; break;
        case 'c': check = optarg; break;
        default: return 125;
        }
    }
    if (!out || optind >= argc) {
        fprintf(stderr, "usage: runstat -o RESULT [-n] [-c CHECK] -- COMMAND [ARG...]\n");
        return 125;
    }
    FILE *res = fopen(out, "w");
    if (!res) die(out);

    if (fresh) {
        if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) die("unshare");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("mount --make-rprivate /");
        if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0) die("mount sysfs");
    }

    struct timespec t0, t1;
    struct rusage ru;
    int status;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "runstat: %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) die("wait4");
    clock_gettime(CLOCK_MONOTONIC, &t1);

    int check_status = 0;
    if (check) {
        int s = system(check);
        check_status = s == -1 ? 255 : status_code(s);
    }
    if (fresh) umount("/sys"); /* the mount pins the namespace: let it go at exit */
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    long long user_ns = (long long)ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL;
    fprintf(res, "%lld %ld %d %d %lld\n", ns, ru.ru_maxrss, status_code(status), check_status, user_ns);
    if (fclose(res) != 0) die(out);
    return 0;
}
