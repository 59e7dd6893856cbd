// Registers every toxic type (imported for its side effects, like Go's init()).
import './latency.ts';
import './bandwidth.ts';
import './slicer.ts';
import './close.ts';
import './http-fault.ts';
