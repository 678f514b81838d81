package area

// LinkUniform exposes linkUniform to the oracle tests, which compare it
// with ST_ClusterDBSCAN on metric coordinates chosen exactly.
var LinkUniform = linkUniform
