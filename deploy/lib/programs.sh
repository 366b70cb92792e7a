# Sourced by deploy scripts. missing_programs NAME...: prints, space-separated, each NAME that is
# not on PATH; the name `initdb` stands for PostgreSQL's, which Debian keeps off PATH.
missing_programs() {
  local absent=() program
  for program in "$@"; do
    if [[ $program == initdb ]]; then
      ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || absent+=("initdb (postgresql)")
    else
      command -v "$program" >/dev/null 2>&1 || absent+=("$program")
    fi
  done
  echo "${absent[*]}"
}
