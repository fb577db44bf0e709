#!/bin/sh
# A stand-in judge for the tutorial (quarry judge, .judge): it reads one JSON object on standard
# input, {"query", "need", "doc": {"id", "title", "text", "metadata"}}, and prints a grade 0-3 and
# a reason. This one counts the words of the information need (longer than three letters) that the
# package's title and description hold. A real judge puts a model here, for example:
#   printf '%s' "$input" | llm -s "$(cat judge-prompt.txt)"   # prints "2 because …"
input=$(cat)
need=$(printf '%s' "$input" | sed -n 's/.*"need":"\([^"]*\)".*/\1/p' | tr 'A-Z' 'a-z')
doc=$(printf '%s' "$input" | sed -n 's/.*"doc":\(.*\)/\1/p' | tr 'A-Z' 'a-z')
n=0
for w in $need; do
  [ ${#w} -gt 3 ] || continue
  case "$doc" in *"$w"*) n=$((n + 1)) ;; esac
done
[ $n -gt 3 ] && n=3
echo "$n of the need's words"
