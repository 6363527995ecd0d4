// The vanishing-gradient study: ‖∂h_T/∂x_{T-k+1}‖ for k = 1..T, simple RNN vs LSTM, at initialization.
// Run from the repository root after a build (./smok builds it), e.g.
//   jshell --add-modules jdk.incubator.vector \
//     --class-path ir/target/classes:frontend/target/classes:optimizer/target/classes:runtime/target/classes \
//     examples/vanishing-gradient.jsh
// or use the CLI:  ./smok vanishing-gradient --steps 100 --units 32 --out out/vanishing-gradient.csv
import dev.smok.runtime.studies.VanishingGradient;
import java.nio.file.Path;

var result = VanishingGradient.run(100, 32, 1, 3, 1);
VanishingGradient.write(result, Path.of("out/vanishing-gradient.csv")).forEach(System.out::println);
// No plotting helper exists in this branch yet: plot column k against rnn and lstm on a log y axis.
/exit
