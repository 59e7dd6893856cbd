// Registers every provider type; the CLI imports this one file.
import './http.ts';
import './process.ts';
import './python/index.ts';
