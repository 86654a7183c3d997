module golang.org/x/text

require golang.org/x/tools v0.0.0-20180917221912-90fa682c2a6e

go 1.17
