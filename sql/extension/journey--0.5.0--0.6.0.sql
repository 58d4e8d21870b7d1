/* journey 0.5.0 to 0.6.0: funnels in any order, with optional steps or
   open to entry at any step, and the speed work of issue 15.

   Adds objects and modes that nothing stored before this version uses:
   every value stored under 0.5.0 keeps its meaning, and no object of
   0.5.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.6.0'" to load this file. \quit
