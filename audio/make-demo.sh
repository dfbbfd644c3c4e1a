#!/bin/sh
# Regenerates the demo scripts and station jingles in audio/.
#
# Speech: espeak-ng's Northern Vietnamese voice (vi), 150 words/min, from the
# texts in audio/demo/*.txt, encoded by LAME at 64 kbit/s mono 22.05 kHz —
# the kind of file a commune officer records on a phone.
# Jingles: a sox-synthesised chord sequence (intro, outro) and a short
# station ident used to fill a slot, 44.1 kHz stereo 128 kbit/s.
#
# Needs espeak-ng, sox and lame (apt-get install espeak-ng sox lame). The
# output is committed, so building or testing loa never needs these tools.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for txt in demo/*.txt; do
	base=${txt%.txt}
	espeak-ng -v vi -s 150 -p 45 -f "$txt" -w "$tmp/speech.wav"
	# A little silence either side, as a real recording has.
	sox "$tmp/speech.wav" "$tmp/padded.wav" gain -n -3 pad 0.4 0.6
	lame --quiet --preset cbr 64 -m m --resample 22.05 "$tmp/padded.wav" "$base.mp3"
done

chord() { # chord OUT DURATION F1 F2 F3: a three-note chord
	out=$1 dur=$2
	shift 2
	sox -n -r 44100 -c 2 "$out" synth "$dur" sine "$1" sine "$2" sine "$3" remix 1,2,3 1,2,3 \
		fade q 0.02 "$dur" 0.3 gain -n -6
}
chord "$tmp/c1.wav" 0.7 523.25 659.25 783.99
chord "$tmp/c2.wav" 0.7 587.33 739.99 880.00
chord "$tmp/c3.wav" 1.4 659.25 830.61 987.77
sox "$tmp/c1.wav" "$tmp/c2.wav" "$tmp/c3.wav" "$tmp/intro.wav"
sox "$tmp/c3.wav" "$tmp/c2.wav" "$tmp/c1.wav" "$tmp/outro.wav"
espeak-ng -v vi -s 140 -w "$tmp/ident-voice.wav" "Đài Truyền thanh xã Bình Lương"
sox "$tmp/ident-voice.wav" -r 44100 -c 2 "$tmp/ident-v.wav"
sox "$tmp/c1.wav" "$tmp/ident-v.wav" "$tmp/ident.wav"
for j in intro outro ident; do
	lame --quiet --preset cbr 128 "$tmp/$j.wav" "jingles/$j.mp3"
done
