# Turns data/bank-holidays-england-and-wales.csv (date,title) into C data
# for src/core/calendar.c.  The list is sorted by date.
BEGIN { FS = ","; n = 0
  print "/* Generated from data/bank-holidays-england-and-wales.csv. Do not edit. */"
  print "const short cal__holidays[][3] = {" }
NR == 1 { next }
/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9],/ {
  split($1, p, "-"); printf "    {%d, %d, %d},\n", p[1], p[2] + 0, p[3] + 0; n++ }
END { print "};"; printf "const int cal__holiday_count = %d;\n", n }
