# Sourced by scripts/fetch-sid-*.sh: a private apt configuration that only
# knows Debian sid (build/apt-sid), so sid's binary packages can be
# downloaded without touching the host's sources.  Sets the array A of
# apt-get/apt-cache options; sid_index PKG makes sure sid's index lists PKG
# (reusing the lists another fetch left), or returns 1.  A package only the
# host's dpkg status knows has no Filename: that is not in the index.
apt_dir=$B/apt-sid
mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d" "$apt_dir/cache/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
	> "$apt_dir/sources.list"
A=(-q -o Dir::Etc::SourceList="$apt_dir/sources.list"
   -o Dir::Etc::SourceParts="$apt_dir/sources.list.d"
   -o Dir::State::Lists="$apt_dir/lists"
   -o Dir::Cache="$apt_dir/cache")

sid_index() {
	apt-cache "${A[@]}" show "$1" 2>/dev/null | grep -q '^Filename:' ||
		apt-get "${A[@]}" update >/dev/null 2>&1
}
