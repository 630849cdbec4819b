# shellcheck shell=bash
# Selects a JDK >= 21 for building and testing quarkus-goroutines.
#
# Usage (from the repository root):
#   . .ci/find-jdk.sh && ./mvnw -B -ntp verify
#
# When sourced it exports JAVA_HOME and puts "$JAVA_HOME/bin" first on PATH.
# When executed instead (bash .ci/find-jdk.sh) it prints the matching
# "export ..." lines, so `eval "$(bash .ci/find-jdk.sh)"` works too.
#
# Selection order:
#   1. the current JAVA_HOME, if it is a JDK >= 21;
#   2. the `java` on PATH, if it belongs to a JDK >= 21;
#   3. the newest JDK >= 21 found directly under $GOROUTINES_JDK_SEARCH_DIR
#      (default /usr/lib/jvm), judged by JAVA_VERSION in its `release` file.
# If none is found it prints an error and returns (or exits) with status 2.
#
# The file is safe to source from scripts running with `set -euo pipefail`;
# it only defines helper functions prefixed with _gr_ and removes them again.

_gr_min_java=21

# Prints the full version (e.g. 25.0.3) of the Java installation at $1, or nothing.
_gr_jdk_version() {
    _gr_v=""
    if [ -f "$1/release" ]; then
        _gr_v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$1/release" 2>/dev/null | head -n 1) || _gr_v=""
    fi
    if [ -z "$_gr_v" ] && [ -x "$1/bin/java" ]; then
        _gr_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 </dev/null \
            | sed -n 's/^[[:space:]]*java\.version = //p' | head -n 1) || _gr_v=""
    fi
    printf '%s' "$_gr_v"
}

# Prints the major version for a version string: 25.0.3 -> 25, 1.8.0_392 -> 8, 26-ea -> 26.
_gr_major() {
    _gr_m=$1
    case $_gr_m in 1.*) _gr_m=${_gr_m#1.} ;; esac
    _gr_m=${_gr_m%%[!0-9]*}
    printf '%s' "${_gr_m:-0}"
}

# Succeeds when $1 is a JDK (java and javac present) whose major version is >= 21.
_gr_is_usable_jdk() {
    [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
    _gr_ver=$(_gr_jdk_version "$1") || return 1
    [ -n "$_gr_ver" ] || return 1
    [ "$(_gr_major "$_gr_ver")" -ge "$_gr_min_java" ] 2>/dev/null
}

# Prints the java.home of the `java` found on PATH, or nothing.
_gr_path_java_home() {
    command -v java >/dev/null 2>&1 || return 0
    java -XshowSettings:properties -version 2>&1 </dev/null \
        | sed -n 's/^[[:space:]]*java\.home = //p' | head -n 1
}

# Prints the newest usable JDK directly under $1, or nothing.
_gr_search_jdks() {
    [ -d "$1" ] || return 0
    find "$1" -mindepth 1 -maxdepth 1 \( -type d -o -type l \) 2>/dev/null \
        | while IFS= read -r _gr_cand; do
            _gr_real=$(readlink -f "$_gr_cand" 2>/dev/null) || _gr_real=$_gr_cand
            if _gr_is_usable_jdk "$_gr_real"; then
                printf '%s\t%s\n' "$(_gr_jdk_version "$_gr_real")" "$_gr_real"
            fi
        done \
        | sort -t "$(printf '\t')" -k1,1V -k2,2 | tail -n 1 | cut -f 2
}

_gr_find_jdk() {
    _gr_found=""
    if [ -n "${JAVA_HOME:-}" ] && _gr_is_usable_jdk "$JAVA_HOME"; then
        _gr_found=$JAVA_HOME
    else
        if [ -n "${JAVA_HOME:-}" ]; then
            echo "find-jdk: ignoring JAVA_HOME=$JAVA_HOME (not a JDK >= ${_gr_min_java})" >&2
        fi
        _gr_home=$(_gr_path_java_home) || _gr_home=""
        if [ -n "$_gr_home" ] && _gr_is_usable_jdk "$_gr_home"; then
            _gr_found=$_gr_home
        else
            _gr_found=$(_gr_search_jdks "${GOROUTINES_JDK_SEARCH_DIR:-/usr/lib/jvm}") || _gr_found=""
        fi
    fi
    if [ -z "$_gr_found" ]; then
        {
            echo "ERROR: quarkus-goroutines needs a JDK >= ${_gr_min_java} to build and test; install e.g. Temurin 25 or set JAVA_HOME."
            echo "  JAVA_HOME=${JAVA_HOME:-<unset>}"
            echo "  java on PATH: $(command -v java 2>/dev/null || echo '<none>')"
            echo "  searched: ${GOROUTINES_JDK_SEARCH_DIR:-/usr/lib/jvm}"
        } >&2
        return 2
    fi
    JAVA_HOME=$_gr_found
    case ":$PATH:" in
        ":$JAVA_HOME/bin:"*) ;;
        *) PATH="$JAVA_HOME/bin:$PATH" ;;
    esac
    export JAVA_HOME PATH
    echo "find-jdk: using JAVA_HOME=$JAVA_HOME (Java $(_gr_jdk_version "$JAVA_HOME"))" >&2
    return 0
}

_gr_cleanup() {
    unset -f _gr_jdk_version _gr_major _gr_is_usable_jdk _gr_path_java_home _gr_search_jdks _gr_find_jdk
    unset _gr_min_java _gr_v _gr_m _gr_ver _gr_cand _gr_real _gr_found _gr_home
}

_gr_rc=0
_gr_find_jdk || _gr_rc=$?
_gr_cleanup
unset -f _gr_cleanup

if [ -n "${BASH_SOURCE:-}" ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Executed, not sourced: emit shell code for eval.
    if [ "$_gr_rc" -eq 0 ]; then
        printf 'export JAVA_HOME=%q\nexport PATH=%q\n' "$JAVA_HOME" "$PATH"
    fi
    exit "$_gr_rc"
fi
if [ "$_gr_rc" -ne 0 ]; then
    unset _gr_rc
    return 2
fi
unset _gr_rc
