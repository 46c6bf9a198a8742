import RampartCommands

// The executable only parses and dispatches; every command lives in RampartCommands, which tests
// import.
await Rampart.parseAndRun()
