/* journey 0.4.0 to 0.5.0: analyses built on the typed summaries.

   Adds summaries, and modes of the funnel functions, that nothing stored
   before this version uses: every value stored under 0.4.0 keeps its
   meaning, and no object of 0.4.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.5.0'" to load this file. \quit
