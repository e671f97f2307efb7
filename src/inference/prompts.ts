import {createRng} from './rng.js'

// Short, common English words: nearly every BPE or SentencePiece vocabulary holds each of
// them, with its leading space, as one token, so N words make a prompt of about N tokens.
const WORDS = (
  'the of and to in is was for on that with as it by at from his her an be this are which or had ' +
  'not but have one were they all their there been has more when will who would so no out up into ' +
  'can than them only other new some time could these two may first then do any like my now over ' +
  'such our man me even most made after also did many before must through back years where much ' +
  'your way well down should because each just those people how too little state good very make ' +
  'world still own see men work long get here between both life being under never day same another'
).split(' ')

/**
 * A prompt of about `tokens` tokens: seeded random common words. The server's usage block
 * gives the exact count; the bench reports that one.
 */
export function makePrompt(tokens: number, seed: number): string {
  const rng = createRng(seed)
  const words: string[] = []
  for (let i = 0; i < Math.max(1, tokens); i++) words.push(WORDS[Math.floor(rng() * WORDS.length)])
  return words.join(' ')
}
