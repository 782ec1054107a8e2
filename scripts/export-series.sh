#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole project as ONE self-contained patch series, for packagers:
# $OUT/series/ holds git format-patch patches, a cover letter and a quilt
# series file, against Debian's linux-source-6.12 (the pristine tree).
#
#   scripts/export-series.sh           export $OUT/series
#   scripts/export-series.sh --check   check that $OUT/series applies with
#                                      git am and with quilt push -a to the
#                                      pristine tree, to the same result, and
#                                      run checkpatch.pl --strict on it
#   scripts/export-series.sh --cover   rewrite only the cover letter, whose
#                                      test results come from the checks
#
# The series is made with git: .cache/series-git is a bare repository of the
# pristine tree (tag "pristine", made once per kernel version). Each patch
# of patches/series is applied to an index of its own with `git apply
# --cached`, the project files that FOLD_MAP assigns to it are added, and
# it is committed with its own author, date and message (read by git
# mailinfo, as git am does). git format-patch writes the result. Commits
# have fixed dates, so the same sources give the same patches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# FOLD_MAP: which project file goes where, with which patch
# (scripts/series/fold-map, read by fold_map in lib.sh).
FOLD_MAP=$(fold_map)

ID_NAME="Task Isolation Project"
ID_EMAIL="task-isolation@example.org"
ID="$ID_NAME <$ID_EMAIL>"
PKG=${TI_KERNEL_PKG:-linux-source-6.12}
SG=$CACHE/series-git		# bare repository: pristine tree and the series
SERIES=$OUT/series		# the export
WT=$CACHE/series-check		# --check: work tree for git am and quilt
CHECK_RES=$OUT/series-check.txt	# results of --check
BISECT_RES=$OUT/series-bisect.txt	# results of scripts/check-series-builds.sh

# Git with the series repository and no user or system configuration,
# which could change what format-patch writes.
gitenv() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC \
		GIT_COMMITTER_NAME="$ID_NAME" GIT_COMMITTER_EMAIL="$ID_EMAIL" "$@"
}
g() { gitenv env GIT_DIR="$SG" git "$@"; }
wt() { gitenv git -C "$WT" "$@"; }

pristine_version() { cat "$CACHE/pristine/.ti-version"; }

kernel_release() {
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { print v "." p "." s }' "$CACHE/pristine/Makefile"
}

# ensure_repo: the bare repository of the pristine tree, made once per
# kernel version (git add of its 87,000 files takes a minute or two).
ensure_repo() {
	local ver tmp tree commit date
	"$TOP/scripts/fetch-kernel.sh"
	ver=$(pristine_version)
	if [ "$(cat "$SG/ti-base" 2>/dev/null)" = "$ver" ] &&
		g rev-parse -q --verify refs/tags/pristine >/dev/null; then
		return 0
	fi
	log "creating ${SG#"$TOP"/}: a git repository of the pristine $PKG $ver"
	tmp=$SG.tmp
	rm -rf --one-file-system "$tmp" "$WT"
	gitenv git init -q --bare "$tmp"
	gitenv env GIT_DIR="$tmp" git config gc.auto 0
	gitenv env GIT_DIR="$tmp" GIT_WORK_TREE="$CACHE/pristine" GIT_INDEX_FILE="$tmp/index-pristine" \
		git add -A -f -- . ':(exclude).ti-version'
	tree=$(gitenv env GIT_DIR="$tmp" GIT_INDEX_FILE="$tmp/index-pristine" git write-tree)
	date="@$(stat -c %Y "$CACHE/pristine/Makefile") +0000"
	commit=$(printf '%s %s\n\nThe pristine source, as unpacked by scripts/fetch-kernel.sh.\n' "$PKG" "$ver" |
		gitenv env GIT_DIR="$tmp" GIT_AUTHOR_NAME="$ID_NAME" GIT_AUTHOR_EMAIL="$ID_EMAIL" \
		GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" git commit-tree "$tree")
	gitenv env GIT_DIR="$tmp" git update-ref refs/tags/pristine "$commit"
	rm "$tmp/index-pristine"
	echo "$ver" >"$tmp/ti-base"
	rm -rf --one-file-system "$SG"
	mv "$tmp" "$SG"
}

# The patches in order: patches/series, then the new:NAME ones of FOLD_MAP.
patch_list() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/patches/series" | awk '{ print $1 }'
	echo "$FOLD_MAP" | awk '$1 ~ /^new:/ && !seen[$1]++ { print $1 }'
}

check_map() {
	local p
	echo "$FOLD_MAP" | awk 'NF && NF != 3 { exit 1 }' || die "FOLD_MAP: a line without 3 fields"
	for p in $(echo "$FOLD_MAP" | awk 'NF { print $1 }' | sort -u); do
		case $p in
		new:*) [ -f "$TOP/scripts/series/${p#new:}.msg" ] ||
			die "FOLD_MAP: no commit message scripts/series/${p#new:}.msg for $p" ;;
		*) grep -qxF "$p" <(patch_list) || die "FOLD_MAP: $p is not in patches/series" ;;
		esac
	done
}

# add_target TARGET MAKEFILE: TARGETS += TARGET, before the first entry that
# sorts after it (the list asks to be kept sorted).
add_target() {
	local t=$1 mk=$2 sha
	g cat-file blob ":$mk" >"$tmp/mk"
	! grep -qxF "TARGETS += $t" "$tmp/mk" || die "$mk already has TARGETS += $t"
	LC_ALL=C awk -v t="$t" '
		!done && ($0 ~ /^TARGETS \+= / && $3 > t || /^#Please keep the TARGETS list/) {
			print "TARGETS += " t; done = 1 }
		{ print }
		END { if (!done) exit 1 }' "$tmp/mk" >"$tmp/mk.new" || die "no TARGETS list in $mk"
	sha=$(g hash-object -w --no-filters "$tmp/mk.new")
	g update-index --cacheinfo "$(g ls-files -s -- "$mk" | cut -d' ' -f1),$sha,$mk"
	log "  $mk: TARGETS += $t"
}

# fold PATCH DIFF: add the project files FOLD_MAP assigns to PATCH.
fold() {
	local p=$1 diff=$2 mp src dst f d mode sha files
	while read -r mp src dst; do
		[ "$mp" = "$p" ] || continue
		case $src in TARGETS+=*) add_target "${src#TARGETS+=}" "$dst"; continue ;; esac
		# shellcheck disable=SC2206 # the glob is meant to expand
		files=("$TOP"/$src)
		[ -e "${files[0]}" ] || die "FOLD_MAP: nothing matches $src"
		for f in "${files[@]}"; do
			[ -f "$f" ] || die "FOLD_MAP: $f is not a regular file"
			d=$dst
			case $d in */) d=$d$(basename "$f") ;; esac
			! grep -qxF "+++ b/$d" "$diff" || die "$d is both in patches/$p and folded into it"
			! g cat-file -e ":$d" 2>/dev/null || die "$d exists before $p: it would be replaced"
			mode=100644
			[ -x "$f" ] && mode=100755
			sha=$(g hash-object -w --no-filters -- "$f")
			g update-index --add --cacheinfo "$mode,$sha,$d"
			echo "$d" >>"$tmp/folded"
		done
	done <<<"$FOLD_MAP"
}

# The date of a new patch: the last commit of this repository that touched
# its sources (reproducible, unlike the files' mtimes).
new_patch_date() {
	local srcs
	srcs=$(echo "$FOLD_MAP" | awk -v p="$1" '$1 == p && $2 !~ /=/ { print $2 }' |
		sed 's|/[^/]*[*][^/]*$||')
	# shellcheck disable=SC2086
	git -C "$TOP" log -1 --format=%aD -- $srcs "scripts/series/${1#new:}.msg" 2>/dev/null |
		grep . || git -C "$TOP" log -1 --format=%aD 2>/dev/null | grep . || date -R
}

# check_references COMMIT...: what a patch refers to must exist in its own
# tree: a header included by kernel code must be the one it is at the end
# of the series (<linux/task_isolation.h> without include/linux/ would be
# the uapi header), a directory added to a Makefile must have a Makefile.
# This catches a file folded into too late a patch before any build does.
check_references() {
	local c kind ref ok d want tip
	tip=$(g rev-parse refs/heads/series)
	for c in "$@"; do
		g diff-tree -p -U0 --no-commit-id "$c" | awk '
			/^\+\+\+ b\// { f = substr($0, 7); next }
			!/^\+/ { next }
			f !~ /^(tools|samples|Documentation|scripts)\// && f ~ /\.(c|h)$/ &&
			    match($0, /^\+[ \t]*#[ \t]*include[ \t]*<(linux|uapi)\/[^>]+>/) {
				s = substr($0, RSTART, RLENGTH); sub(/^[^<]*</, "", s); sub(/>$/, "", s)
				print "include " s; next }
			f ~ /(^|\/)(Makefile|Kbuild)$/ && match($0, /^\+(obj|subdir)-[^ \t=]*[ \t]*[:+]?=/) {
				d = f; sub(/[^\/]*$/, "", d)
				issub = $0 ~ /^\+subdir-/
				n = split(substr($0, RLENGTH + 1), w, /[ \t]+/)
				for (i = 1; i <= n; i++) {
					x = w[i]
					if (x == "" || x ~ /\.o$/ || (!issub && x !~ /\/$/)) continue
					sub(/\/$/, "", x); print "dir " d x }
				next }
			f == "tools/testing/selftests/Makefile" && /^\+TARGETS \+= / {
				print "dir tools/testing/selftests/" $3 }
		' | sort -u | while read -r kind ref; do
			ok=
			case $kind in
			include) # the kernel's search order (generated headers aside)
				want=
				for d in arch/x86/include include arch/x86/include/uapi include/uapi; do
					g cat-file -e "$tip:$d/$ref" 2>/dev/null && want=$d/$ref && break
				done
				[ -z "$want" ] && ok=1	# a generated header: not ours to check
				[ -n "$want" ] && g cat-file -e "$c:$want" 2>/dev/null && ok=1
				ref="$ref ($want)" ;;
			dir) g cat-file -e "$c:$ref/Makefile" 2>/dev/null && ok=1 ;;
			esac
			[ -n "$ok" ] || die "\"$(g log -1 --format=%s "$c")\" needs $kind $ref, which its tree lacks: fold it into an earlier patch (FOLD_MAP)"
		done
	done
}

# build_series: commit every patch, with its folded files, on the pristine tag.
build_series() {
	local p n=0 parent commit tree subject aname aemail adate msgf commits=()
	export GIT_INDEX_FILE=$SG/index-series
	g read-tree refs/tags/pristine
	parent=$(g rev-parse refs/tags/pristine)
	: >"$tmp/folded"
	for p in $(patch_list); do
		n=$((n + 1))
		: >"$tmp/diff"
		case $p in
		new:*)
			msgf=$TOP/scripts/series/${p#new:}.msg
			subject=$(head -1 "$msgf")
			tail -n +2 "$msgf" >"$tmp/body"
			aname=$ID_NAME aemail=$ID_EMAIL adate=$(new_patch_date "$p")
			;;
		*)
			gitenv git mailinfo -u "$tmp/body" "$tmp/diff" <"$TOP/patches/$p" >"$tmp/info" ||
				die "patches/$p: git mailinfo cannot read it"
			subject=$(sed -n 's/^Subject: //p' "$tmp/info")
			aname=$(sed -n 's/^Author: //p' "$tmp/info")
			aemail=$(sed -n 's/^Email: //p' "$tmp/info")
			adate=$(sed -n 's/^Date: //p' "$tmp/info")
			[ -n "$subject" ] && [ -n "$aname" ] && [ -n "$adate" ] ||
				die "patches/$p: no Subject, From or Date header"
			g apply --cached --whitespace=nowarn "$tmp/diff" ||
				die "patches/$p does not apply on top of the previous patches"
			;;
		esac
		fold "$p" "$tmp/diff"
		tree=$(g write-tree)
		{ printf '%s\n\n' "$subject"; cat "$tmp/body"; } | gitenv git stripspace |
			gitenv git interpret-trailers --if-exists addIfDifferent \
				--trailer "Signed-off-by: $ID" >"$tmp/message"
		commit=$(GIT_AUTHOR_NAME=$aname GIT_AUTHOR_EMAIL=$aemail GIT_AUTHOR_DATE=$adate \
			GIT_COMMITTER_DATE=$adate g commit-tree "$tree" -p "$parent" -F "$tmp/message")
		log "$(printf '%2d %s' "$n" "$subject")"
		parent=$commit
		commits+=("$commit")
	done
	unset GIT_INDEX_FILE
	g update-ref refs/heads/series "$parent"
	check_references "${commits[@]}"
	sort "$tmp/folded" | uniq -d | grep . && die "FOLD_MAP folds these files twice"
	return 0
}

# format_patches DIR: git format-patch of the series, cover letter first.
format_patches() {
	rm -rf "$1" && mkdir -p "$1"
	g format-patch -q --cover-letter --no-signature --subject-prefix=PATCH \
		-o "$1" refs/tags/pristine..refs/heads/series
}

# results_of FILE HASH: a check's result lines, if it checked this series.
results_of() {
	[ -f "$1" ] && [ "$(sed -n '1s/^series: //p' "$1")" = "$2" ] || return 1
	tail -n +2 "$1" | grep -v '^compat: '
}

# tree_results FILE TREE: the result lines of scripts/check-tree.sh (or
# make deb) for TREE, if it applied exactly what would be applied now: the
# export, the tree's variants and its compat module (tree_hash).
tree_results() {
	local compat
	[ -f "$1" ] || return 1
	compat=$(sed -n 's/^compat: //p' "$1")
	[ -n "$compat" ] && [ -f "$TOP/rust/task_isolation/compat/$compat" ] || return 1
	results_of "$1" "$(tree_hash "$2" "$compat")"
}

# bisect_result DIR HASH: what scripts/check-series-builds.sh found. If it
# ran on an earlier export whose first patches are the same as here (it
# records a hash of patches 1 to N for each patch that built), its results
# for those patches, and which patches it did not build.
bisect_result() {
	local dir=$1 hash=$2 n k=0 i files
	[ -f "$BISECT_RES" ] || return 1
	if [ "$(sed -n '1s/^series: //p' "$BISECT_RES")" = "$hash" ]; then
		tail -n +2 "$BISECT_RES" | grep -v '^#'
		return 0
	fi
	mapfile -t files < <(grep -v '^#' "$dir/series")
	n=${#files[@]}
	for ((i = 1; i <= n; i++)); do
		grep -qxF "# ok $i $( (cd "$dir" && cat "${files[@]:0:i}") | sha256sum | cut -c1-16)" \
			"$BISECT_RES" || break
		k=$i
	done
	[ "$k" -gt 0 ] || return 1
	awk -v k="$k" '/^#/ || /^series: / || /^Every patch built/ { next }
		/^  [0-9]+\/[0-9]+ / { split($1, a, "/"); if (a[1] + 0 > k) next }
		{ print }' "$BISECT_RES"
	if [ $((k + 1)) = "$n" ]; then
		echo "That run built patches 1 to $k as they are here; patch $n has"
		echo "changed since, and has not been built this way."
	else
		echo "That run built patches 1 to $k as they are here; patches $((k + 1))"
		echo "to $n have changed since, and have not been built this way."
	fi
}

# make_check_result: the last `make check`, if it ran on exactly these
# sources: .cache/linux has the series' content in every file the series
# touches, the kernel was built after the last of them changed, and the
# tests ran after that. The TARGETS lines the export adds are not compared:
# make check names its kselftest target itself (scripts/build-tests.sh).
make_check_result() {
	local summary=$OUT/summary.txt bz=$CACHE/obj-task_isolation/arch/x86/boot/bzImage p differ=
	[ -f "$summary" ] && [ -f "$bz" ] || { echo "none"; return; }
	while read -r p; do
		echo "$FOLD_MAP" | awk -v d="$p" '$2 ~ /^TARGETS\+=/ && $3 == d { f = 1 } END { exit !f }' &&
			continue
		g cat-file blob "refs/heads/series:$p" | cmp -s - "$CACHE/linux/$p" &&
			[ ! "$CACHE/linux/$p" -nt "$bz" ] || differ="$differ $p"
	done < <(g diff --name-only refs/tags/pristine refs/heads/series)
	if [ -n "$differ" ] || [ "$bz" -nt "$summary" ]; then
		echo "stale$differ"
		return
	fi
	# The verdict and exit statuses as results.py wrote them, then the counts.
	echo "ok $(date -u -r "$summary" '+%Y-%m-%d %H:%M UTC') $(sed -n 's/^verdict: //p' "$summary"):" \
		"$(tail -1 "$summary") ($(sed -n 's/^exit status: //p' "$summary"))"
}

# other_results: the verdicts of scripts/check-tree.sh and of make deb
# (scripts/build-deb.sh), if they applied exactly what each tree gets from
# this series (tree_results).
other_results() {
	local t r n=0
	for t in debian vanilla mainline; do
		r=$(tree_results "$OUT/trees/$t.txt" "$t") || continue
		[ $n -gt 0 ] || echo "Other kernel trees (git am, build, the whole kselftest suite in QEMU):"
		echo "$r" | command fold -s -w 70 | sed 's/ *$//; 1s/^/  /; 2,$s/^/    /'
		n=$((n + 1))
	done
	[ $n -gt 0 ] || printf '%s\n' "No other kernel tree has been checked with this version of the" \
		"series (scripts/check-tree.sh)."
	if r=$(tree_results "$OUT/deb/result.txt" debian); then
		printf '\n%s\n' "Debian packages (make deb, bindeb-pkg with Debian's config):"
		echo "$r" | command fold -s -w 70 | sed 's/ *$//; s/^/  /'
	fi
}

# render_cover DIR HASH: fill in the cover letter git format-patch wrote.
render_cover() {
	local dir=$1 hash=$2 cover tpl=$TOP/scripts/series/cover-letter.txt n r mc
	cover=$(ls "$dir"/0000-cover-letter.patch)
	n=$(grep -vc '^#' "$dir/series")
	{
		tail -n +3 "$tpl"
		cat <<-EOF

		Base and how to apply
		---------------------

		The series applies to Debian's $PKG $(pristine_version) (Linux
		$(kernel_release)), with git am (patches 1 to $n in order) or with
		quilt push -a (the series file comes with the patches). Enable
		CONFIG_TASK_ISOLATION, which needs CONFIG_RUST.

		Testing
		-------

		EOF
		if r=$(results_of "$CHECK_RES" "$hash"); then
			echo "$r"
		else
			echo "Applying has not been checked for this version of the series"
			echo "(scripts/export-series.sh --check)."
		fi
		echo
		if r=$(bisect_result "$dir" "$hash"); then
			echo "$r"
		else
			echo "The patch-by-patch build has not been run on this version of the"
			echo "series (scripts/check-series-builds.sh)."
		fi
		echo
		other_results
		echo
		mc=$(make_check_result)
		case $mc in
		ok\ *)
			# shellcheck disable=SC2086 # fields: ok DATE TIME UTC RESULT...
			set -- $mc
			echo "The project's full test run (make check: checkpatch, rustfmt and"
			echo "unit tests on the host, then the kselftests of patch $n, chisol"
			echo "and the samples in QEMU, x86_64, 3 vCPUs, isolcpus=nohz,domain,1"
			echo "nohz_full=1) on a kernel built from exactly these sources, on"
			echo "$2 $3 $4: ${*:5}." | command fold -s -w 70 | sed 's/ *$//'
			;;
		*)
			echo "The project's full test run (make check) has not been run on a"
			echo "kernel built from exactly these sources."
			;;
		esac
	} >"$tmp/blurb"
	awk -v subj="$(head -1 "$tpl")" -v blurb="$tmp/blurb" '
		i = index($0, "*** SUBJECT HERE ***") {
			$0 = substr($0, 1, i - 1) subj substr($0, i + 20) }
		$0 == "*** BLURB HERE ***" { while ((getline l < blurb) > 0) print l; next }
		{ print }' "$cover" >"$cover.new"
	! grep -q '\*\*\*' "$cover.new" || die "the cover letter still has a *** placeholder"
	mv "$cover.new" "$cover"
}

write_series_file() {
	local f
	{
		echo "# Task isolation for Linux, in Rust: the whole project as one series"
		echo "# for $PKG $(pristine_version), made by scripts/export-series.sh."
		echo "# Apply with quilt push -a, or git am in this order."
		for f in "$1"/[0-9][0-9][0-9][0-9]-*.patch; do
			case ${f##*/} in 0000-*) ;; *) echo "${f##*/}" ;; esac
		done
	} >"$1/series"
}

do_export() {
	local new=$SERIES.tmp hash
	check_map
	ensure_repo
	build_series
	format_patches "$new"
	write_series_file "$new"
	hash=$(series_hash "$new")
	render_cover "$new" "$hash"
	rm -rf "$SERIES"
	mv "$new" "$SERIES"
	warn_unmentioned_tests
	log "series exported to ${SERIES#"$TOP"/} ($(grep -vc '^#' "$SERIES/series") patches, id $hash):"
	(cd "$SERIES" && grep -v '^#' series | while read -r f; do
		printf '  %s  %s\n' "$f" "$(grep -m1 -E '^ [0-9]+ files? changed' "$f" | sed 's/^ //')"
	done) >&2
}

# The selftests changelog says what each test covers: say if one is new.
warn_unmentioned_tests() {
	local f b
	for f in "$TOP"/tests/kselftest/task_isolation/*.c "$TOP"/tests/kselftest/task_isolation/*.sh; do
		b=$(basename "$f"); b=${b%.*}
		grep -qw -- "$b" "$TOP/scripts/series/selftests.msg" ||
			log "warning: scripts/series/selftests.msg does not mention $b"
	done
}

# do_cover: rewrite the cover letter of $SERIES, if it is this repository's
# current export (the checks call this to record their results).
do_cover() {
	local hash
	[ -f "$SERIES/series" ] || die "no ${SERIES#"$TOP"/}: run make series"
	format_patches "$tmp/fp"
	write_series_file "$tmp/fp"
	hash=$(series_hash "$SERIES")
	[ "$(series_hash "$tmp/fp")" = "$hash" ] ||
		die "${SERIES#"$TOP"/} is not the series in ${SG#"$TOP"/}: run make series"
	render_cover "$tmp/fp" "$hash"
	cp "$tmp/fp/0000-cover-letter.patch" "$SERIES/0000-cover-letter.patch"
	log "cover letter updated: ${SERIES#"$TOP"/}/0000-cover-letter.patch"
}

# do_check: apply $SERIES to the pristine tree with git am, then with quilt
# push -a, compare the two trees, run checkpatch, record the results.
do_check() {
	local hash files n am_tree q_tree out cp_res p t0 ver failed=0
	[ -f "$SERIES/series" ] || die "no ${SERIES#"$TOP"/}: run make series"
	ensure_repo
	t0=$(date +%s)
	ver=$(pristine_version)
	hash=$(series_hash "$SERIES")
	mapfile -t files < <(grep -v '^#' "$SERIES/series")
	n=${#files[@]}
	rm -rf "$CACHE/series-check.patches"
	cp -a "$SERIES" "$CACHE/series-check.patches"

	log "check: a work tree of the pristine $PKG $ver (${WT#"$TOP"/})"
	if [ -f "$WT/.git" ] && wt rev-parse -q --verify HEAD >/dev/null 2>&1; then
		wt am --abort >/dev/null 2>&1 || true
		wt checkout -q -f --detach refs/tags/pristine
		wt clean -q -ffdx
	else
		rm -rf --one-file-system "$WT"
		g worktree prune
		g worktree add -q --detach "$WT" refs/tags/pristine
	fi

	log "check: git am of the $n patches"
	wt am -q "${files[@]/#/$CACHE/series-check.patches/}" >"$tmp/am.log" 2>&1 || {
		cat "$tmp/am.log" >&2
		wt am --abort >/dev/null 2>&1 || true
		die "git am failed: the series does not apply to the pristine $PKG $ver"
	}
	[ "$(wt rev-list --count refs/tags/pristine..HEAD)" = "$n" ] || die "git am made $(wt rev-list --count refs/tags/pristine..HEAD) commits, not $n"
	[ "$(wt log --format=%B refs/tags/pristine..HEAD | grep -cxF "Signed-off-by: $ID")" = "$n" ] ||
		die "a commit lacks Signed-off-by: $ID"
	# Each commit has the author, date and subject of its patch.
	for p in "${files[@]}"; do
		gitenv git mailinfo "$tmp/m" "$tmp/d" <"$SERIES/$p" |
			awk '/^(Author|Email|Date|Subject): / { sub(/^[A-Za-z]+: /, ""); print }'
	done >"$tmp/want"
	wt log --reverse --format='%an%n%ae%n%s%n%aD' refs/tags/pristine..HEAD >"$tmp/have"
	diff -u "$tmp/want" "$tmp/have" >&2 || die "git am did not keep the patches' author, date or subject (above)"
	am_tree=$(wt rev-parse 'HEAD^{tree}')

	log "check: quilt push -a --fuzz=0 (in the build root)"
	wt checkout -q -f --detach refs/tags/pristine
	wt clean -q -ffdx
	out=$(in_root /bin/sh -ec '
		cd /cache/series-check
		export QUILT_PATCHES=/cache/series-check.patches QUILT_PC=.pc
		quilt push -a --fuzz=0
		echo "applied: $(quilt applied | wc -l)"' 2>&1) || {
		echo "$out" | tail -20 >&2
		die "quilt push -a failed: the series does not apply to the pristine $PKG $ver"
	}
	if echo "$out" | grep -E '^Hunk #|FAILED|Reversed'; then
		die "quilt push -a applied with offsets or fuzz (shown above)"
	fi
	grep -qx "applied: $n" <<<"$out" || die "quilt applied $(echo "$out" | tail -1), not $n patches"
	wt add -A -f -- . ':(exclude).pc'
	q_tree=$(wt write-tree)
	if [ "$q_tree" != "$am_tree" ]; then
		wt diff --stat "$am_tree" "$q_tree" >&2
		die "quilt push -a and git am give different trees (above)"
	fi
	wt reset -q

	# checkpatch: errors fail the check, except in the kselftests, which the
	# project does not hold to checkpatch (scripts/host-checks.sh); every
	# count is recorded. Output per patch: NAME: E errors, W warnings, C
	# checks, N lines checked|errors outside tools/testing/selftests/.
	log "check: checkpatch.pl --strict on each patch"
	cp_res=$(in_root /bin/sh -c '
		cd /cache/series-check
		for p in "$@"; do
			scripts/checkpatch.pl --strict --no-color /cache/series-check.patches/$p 2>/dev/null |
				awk -v p="$p" "/^total: / { t = substr(\$0, 8) }
					/^ERROR:/ { e = 1; next }
					e { if (\$0 !~ /FILE: tools\/testing\/selftests\//) bad++; e = 0 }
					END { print p \": \" t \"|\" bad + 0 }"
		done' sh "${files[@]}")
	echo "$cp_res" | sed 's/^/  /; s/|\(.*\)/ (errors outside the kselftests: \1)/' >&2
	[ "$(grep -c ': [0-9]* errors' <<<"$cp_res")" = "$n" ] || die "checkpatch.pl did not run on every patch"
	{
		echo "series: $hash"
		echo "Applying: on $(date -u '+%Y-%m-%d'), the $n patches applied to the pristine"
		echo "$PKG $ver both with git am (one commit each, with the"
		echo "author, date, subject and Signed-off-by of its patch) and with"
		echo "quilt push -a --fuzz=0 (no offset, no fuzz), and both gave the same"
		echo "tree. checkpatch.pl --strict:"
		for p in "${files[@]}"; do
			printf '  %s: %s\n' "${p%%-*}" "$(sed -n "s|^$p: ||p" <<<"$cp_res" | sed 's/, [0-9]* lines checked.*//')"
		done
		echo "Errors outside tools/testing/selftests/: $(awk -F'|' '{ s += $2 } END { print s + 0 }' <<<"$cp_res")."
	} >"$CHECK_RES"
	grep -qv '|0$' <<<"$cp_res" && failed=1
	log "check: done in $(( $(date +%s) - t0 ))s, results in ${CHECK_RES#"$TOP"/}"
	do_cover
	[ "$failed" = 0 ] || die "checkpatch found errors outside the kselftests (above)"
}

mkdir -p "$CACHE"
exec 8>"$CACHE/series-export.lock"
flock 8	# one export or check at a time: they share the index and out/series
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case ${1:-} in
'') do_export ;;
--check) do_check ;;
--cover) do_cover ;;
*) die "usage: $0 [--check|--cover]" ;;
esac
