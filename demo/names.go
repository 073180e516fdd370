package demo

import (
	"math/rand/v2"
	"strings"
)

// nameForm is one given name or surname. Surnames may have a feminine form
// (Kowalski/Kowalska, Novák/Nováková); names written in a native script carry
// their Latin transliteration, which e-mail addresses are built from.
type nameForm struct {
	m, f           string
	mLatin, fLatin string
}

func (n nameForm) get(female bool) (display, latin string) {
	if female {
		return n.f, n.fLatin
	}
	return n.m, n.mLatin
}

// culture is a naming tradition: who is called what, and how names are put
// together.
type culture struct {
	key          string
	male, female []nameForm
	surnames     []nameForm
	double       float64  // share of people carrying two surnames (Spanish, Portuguese)
	familyFirst  bool     // family name written first (Vietnamese, Japanese in kanji)
	initial      float64  // share with a middle initial ("Sarah J. Miller")
	native       *culture // same names in the native script, for a few percent
	nativeRate   float64
}

// cultureDef is the compact, editable form of a culture. Lists are
// comma-separated; an entry "Masc|Fem" gives the feminine form of a surname;
// "Native=Latin" gives the transliteration of a native-script name.
type cultureDef struct {
	key                    string
	male, female, surnames string
	double                 float64
	familyFirst            bool
	initial                float64
	native                 string // key of the native-script culture
	nativeRate             float64
}

var cultureDefs = []cultureDef{
	{key: "italian",
		male:     "Marco, Luca, Giuseppe, Francesco, Alessandro, Andrea, Matteo, Lorenzo, Davide, Stefano, Paolo, Giovanni, Roberto, Antonio, Simone, Federico, Riccardo, Emanuele, Gabriele, Niccolò, Salvatore, Pietro, Tommaso, Daniele",
		female:   "Giulia, Francesca, Chiara, Sara, Martina, Valentina, Elena, Alessandra, Silvia, Laura, Federica, Anna, Maria, Paola, Elisa, Beatrice, Serena, Ilaria, Roberta, Claudia, Marta, Caterina, Lucia, Benedetta",
		surnames: "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli, Vitale, Serra, Coppola, De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferri, Fabbri, Bellini, Pellegrini, Cattaneo, Sartori, Zanetti"},
	{key: "french",
		male:     "Jean, Pierre, Nicolas, Julien, Thomas, Antoine, Mathieu, Sébastien, Guillaume, François, Olivier, Laurent, Hugo, Louis, Lucas, Théo, Étienne, Jérôme, Benoît, Jean-Pierre, Jean-Luc, Philippe, Michel, Cédric, Raphaël, Gaël",
		female:   "Marie, Camille, Julie, Sophie, Claire, Léa, Manon, Chloé, Émilie, Céline, Nathalie, Isabelle, Sandrine, Anne, Hélène, Élise, Margaux, Pauline, Juliette, Agnès, Marie-Claire, Anne-Sophie, Laurence, Mélanie, Inès, Zoé",
		surnames: "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André, Lefèvre, Mercier, Dupont, Lambert, Bonnet, François, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, Muller, Henry, Roussel, Perrin, Morin, Clément, Gauthier, Dumont, Fontaine, Chevalier, Robin, Masson, Gérard, Boyer, Lemaire, Duval, Joly, Gaillard, Brunet, Leclerc, Caron, Barbier, Renaud, Picard, Aubert, Lacroix, Fabre"},
	{key: "spanish", double: 0.7,
		male:     "Javier, Alejandro, Pablo, Sergio, David, Daniel, Carlos, Manuel, Antonio, José, Jorge, Álvaro, Adrián, Diego, Miguel, Raúl, Iván, Rubén, Jordi, Iñaki, Xavier, Óscar, Marc, Hugo, Ignacio",
		female:   "María, Lucía, Carmen, Laura, Marta, Elena, Paula, Sara, Cristina, Ana, Nuria, Montserrat, Raquel, Beatriz, Irene, Alba, Andrea, Patricia, Rocío, Pilar, Ainhoa, Noelia, Silvia, Clara, Inmaculada",
		surnames: "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, Gutiérrez, Navarro, Torres, Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, Blanco, Molina, Morales, Suárez, Ortega, Delgado, Castro, Ortiz, Rubio, Marín, Sanz, Iglesias, Núñez, Medina, Garrido, Puig, Ferrer, Vidal, Etxeberria, Castells"},
	{key: "latam", double: 0.5,
		male:     "Juan Carlos, José Luis, Luis, Andrés, Santiago, Sebastián, Mateo, Diego, Felipe, Jorge, Ricardo, Fernando, Alejandro, Eduardo, Héctor, Rodrigo, Gustavo, Emiliano, Joaquín, Camilo, Julián, Martín, Tomás, Francisco",
		female:   "Camila, Valentina, Daniela, Sofía, Mariana, Alejandra, Gabriela, Fernanda, Ximena, Paola, Carolina, Natalia, Lorena, Verónica, Guadalupe, Florencia, Catalina, Juliana, Andrea, Luisa Fernanda, María José, Rosa, Lucía, Adriana, Isabella",
		surnames: "González, Rodríguez, Hernández, García, Martínez, López, Pérez, Sánchez, Ramírez, Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, Gutiérrez, Chávez, Ramos, Vargas, Castillo, Jiménez, Mendoza, Rojas, Herrera, Medina, Aguilar, Muñoz, Castro, Vega, Silva, Fuentes, Soto, Contreras, Quispe, Mamani, Cárdenas, Salazar, Guzmán, Ríos, Acosta, Benítez, Paredes, Zapata, Valencia, Ospina"},
	{key: "portuguese", double: 0.5,
		male:     "João, Tiago, Pedro, Rui, Nuno, Miguel, André, Ricardo, Bruno, Diogo, Duarte, Francisco, Gonçalo, Luís, Paulo, Hugo, Rodrigo, Vasco, Afonso, Tomás, José, António",
		female:   "Ana, Maria, Inês, Beatriz, Mariana, Catarina, Sofia, Joana, Rita, Marta, Teresa, Leonor, Carolina, Filipa, Raquel, Sara, Helena, Margarida, Cláudia, Patrícia, Susana",
		surnames: "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus, Sousa, Fernandes, Gonçalves, Gomes, Lopes, Marques, Alves, Almeida, Ribeiro, Pinto, Carvalho, Teixeira, Moreira, Correia, Mendes, Nunes, Soares, Vieira, Monteiro, Cardoso, Rocha, Neves, Coelho, Cruz, Cunha, Pires, Ramos, Reis, Simões, Antunes, Matos, Fonseca, Magalhães"},
	{key: "brazilian", double: 0.45,
		male:     "João Pedro, Lucas, Gabriel, Rafael, Thiago, Felipe, Gustavo, Matheus, Bruno, Leonardo, Rodrigo, Marcelo, Luiz, Paulo, Carlos Eduardo, Fernando, Diego, Vinícius, Caio, Renato, Eduardo, André",
		female:   "Ana Clara, Maria Eduarda, Juliana, Fernanda, Camila, Beatriz, Larissa, Letícia, Gabriela, Amanda, Bruna, Patrícia, Aline, Carolina, Mariana, Renata, Tatiana, Luana, Priscila, Vanessa, Débora, Raquel",
		surnames: "Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, Ribeiro, Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa, Rocha, Dias, Nascimento, Andrade, Moreira, Nunes, Marques, Machado, Mendes, Freitas, Cardoso, Ramos, Gonçalves, Santana, Teixeira, Araújo, Cavalcanti, Monteiro, Moura, Campos"},
	{key: "german",
		male:     "Thomas, Michael, Andreas, Stefan, Christian, Markus, Tobias, Jan, Lukas, Felix, Jonas, Florian, Matthias, Sebastian, Daniel, Alexander, Jürgen, Klaus, Wolfgang, Uwe, Jörg, Maximilian, Niklas, Moritz, Benedikt",
		female:   "Anna, Julia, Katharina, Sabine, Petra, Claudia, Susanne, Stefanie, Laura, Lena, Lea, Sarah, Johanna, Miriam, Christine, Andrea, Nicole, Kerstin, Birgit, Ursula, Hannah, Sophie, Franziska, Jana, Anja, Jutta",
		surnames: "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, Maier, Köhler, Herrmann, König, Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Weiß, Jung, Hahn, Vogel, Gruber, Brunner, Steiner, Keller"},
	{key: "dutch",
		male:     "Jan, Pieter, Daan, Sem, Bram, Lucas, Thijs, Joost, Maarten, Sander, Ruben, Jeroen, Wouter, Bas, Koen, Niels, Stijn, Tim, Thomas, Dirk, Hendrik, Willem, Jelle, Wout, Pieterjan",
		female:   "Anna, Emma, Sophie, Lotte, Fleur, Eva, Sanne, Femke, Marieke, Anouk, Lisa, Iris, Julia, Ellen, Ingrid, Els, Griet, Hanne, Lieke, Noor, Inge, Saskia, Ilse, Marloes, Annelies",
		surnames: "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra, Smits, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen, Peeters, Maes, Claes, Willems, Goossens, Wouters, De Smet, Van Damme, Verstraete, Mertens"},
	{key: "english", initial: 0.06,
		male:     "James, John, David, Michael, Daniel, Matthew, Christopher, Andrew, Thomas, Oliver, Jack, Harry, George, William, Samuel, Benjamin, Ethan, Noah, Ryan, Kevin, Mark, Paul, Richard, Stephen, Joshua, Tyler, Nathan",
		female:   "Sarah, Emma, Emily, Jessica, Hannah, Olivia, Sophie, Charlotte, Amelia, Rachel, Laura, Rebecca, Katherine, Elizabeth, Jennifer, Amanda, Megan, Lucy, Grace, Chloe, Abigail, Victoria, Helen, Claire, Alice, Naomi, Zoe",
		surnames: "Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts, Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris, Clarke, Jackson, Wood, Turner, Martin, Cooper, Hill, Ward, Morris, Moore, Clark, Lee, King, Baker, Harrison, Morgan, Allen, James, Scott, Phillips, Watson, Davis, Parker, Price, Bennett, Young, Griffiths, Mitchell, Kelly, Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw, Miller, Anderson, Campbell, Stewart, Brooks, Foster, Hayes, Sullivan, Reed"},
	{key: "irish",
		male:     "Seán, Ciarán, Conor, Eoin, Darragh, Cian, Oisín, Pádraig, Liam, Dónal, Fionn, Niall, Ronan, Cathal, Colm, Aidan, Declan, Kieran",
		female:   "Aoife, Siobhán, Niamh, Aisling, Róisín, Orla, Saoirse, Caoimhe, Clodagh, Gráinne, Sinéad, Máire, Éabha, Deirdre, Ciara, Nuala, Sorcha",
		surnames: "Murphy, Kelly, O'Sullivan, Walsh, Smith, O'Brien, Byrne, Ryan, O'Connor, O'Neill, O'Reilly, Doyle, McCarthy, Gallagher, O'Doherty, Kennedy, Lynch, Murray, Quinn, Moore, McLoughlin, O'Carroll, Connolly, Daly, O'Connell, Ó Súilleabháin|Ní Shúilleabháin, Ó Ceallaigh|Ní Cheallaigh"},
	{key: "polish",
		male:     "Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Marcin, Jakub, Łukasz, Mateusz, Adam, Kamil, Marek, Grzegorz, Wojciech, Bartosz, Maciej, Jan, Szymon, Dariusz",
		female:   "Anna, Katarzyna, Małgorzata, Agnieszka, Magdalena, Joanna, Aleksandra, Monika, Ewa, Barbara, Karolina, Natalia, Zofia, Marta, Dorota, Justyna, Beata, Weronika, Izabela, Agata",
		surnames: "Nowak, Kowalski|Kowalska, Wiśniewski|Wiśniewska, Wójcik, Kowalczyk, Kamiński|Kamińska, Lewandowski|Lewandowska, Zieliński|Zielińska, Szymański|Szymańska, Woźniak, Dąbrowski|Dąbrowska, Kozłowski|Kozłowska, Jankowski|Jankowska, Mazur, Kwiatkowski|Kwiatkowska, Krawczyk, Piotrowski|Piotrowska, Grabowski|Grabowska, Nowakowski|Nowakowska, Pawłowski|Pawłowska, Michalski|Michalska, Nowicki|Nowicka, Adamczyk, Dudek, Zając, Wieczorek, Jabłoński|Jabłońska, Król, Majewski|Majewska, Olszewski|Olszewska, Jaworski|Jaworska, Wróbel, Malinowski|Malinowska, Pawlak, Witkowski|Witkowska, Walczak, Stępień, Górski|Górska, Rutkowski|Rutkowska, Michalak, Sikora"},
	{key: "greek", native: "greek_native", nativeRate: 0.06,
		male:     "Giorgos, Dimitris, Nikos, Konstantinos, Giannis, Kostas, Christos, Panagiotis, Vasilis, Michalis, Thanasis, Stavros, Alexandros, Spyros, Manolis, Apostolis, Andreas, Petros, Ilias, Theodoros",
		female:   "Maria, Eleni, Katerina, Vasiliki, Sofia, Georgia, Dimitra, Anna, Ioanna, Despoina, Christina, Angeliki, Konstantina, Evangelia, Fotini, Athina, Chrysa, Eirini, Nefeli, Zoi",
		surnames: "Papadopoulos|Papadopoulou, Papadakis|Papadaki, Papageorgiou, Georgiou, Nikolaidis|Nikolaidou, Oikonomou, Vlachos|Vlachou, Papanikolaou, Karagiannis|Karagianni, Makris|Makri, Ioannidis|Ioannidou, Dimitriou, Konstantinidis|Konstantinidou, Alexiou, Christodoulou, Antoniou, Athanasiou, Pappas|Pappa, Kyriakidis|Kyriakidou, Theodorou, Papathanasiou, Mavridis|Mavridou, Stavrou, Zervas|Zerva, Galanis|Galani, Lambrou"},
	{key: "greek_native",
		male:     "Γιώργος=Giorgos, Δημήτρης=Dimitris, Νίκος=Nikos, Κωνσταντίνος=Konstantinos, Γιάννης=Giannis, Χρήστος=Christos, Παναγιώτης=Panagiotis, Βασίλης=Vasilis, Αλέξανδρος=Alexandros, Σπύρος=Spyros",
		female:   "Μαρία=Maria, Ελένη=Eleni, Κατερίνα=Katerina, Βασιλική=Vasiliki, Σοφία=Sofia, Γεωργία=Georgia, Δήμητρα=Dimitra, Ιωάννα=Ioanna, Χριστίνα=Christina, Ειρήνη=Eirini",
		surnames: "Παπαδόπουλος|Παπαδοπούλου=Papadopoulos|Papadopoulou, Παπαδάκης|Παπαδάκη=Papadakis|Papadaki, Γεωργίου=Georgiou, Οικονόμου=Oikonomou, Νικολαΐδης|Νικολαΐδου=Nikolaidis|Nikolaidou, Βλάχος|Βλάχου=Vlachos|Vlachou, Ιωαννίδης|Ιωαννίδου=Ioannidis|Ioannidou, Δημητρίου=Dimitriou, Μακρής|Μακρή=Makris|Makri, Αντωνίου=Antoniou"},
	{key: "nordic",
		male:     "Erik, Lars, Anders, Johan, Magnus, Henrik, Nils, Olof, Mikael, Jonas, Oskar, Emil, Axel, Mads, Søren, Rasmus, Jens, Kristian, Bjørn, Håkan, Gustav, Ole, Sindre, Jón",
		female:   "Anna, Maria, Emma, Karin, Ingrid, Astrid, Linnea, Sara, Elin, Maja, Freja, Sofie, Mette, Camilla, Kirsten, Hanne, Sigrid, Ida, Ebba, Malin, Åsa, Ragnhild, Guðrún",
		surnames: "Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson, Gustafsson, Lindberg, Lindqvist, Berg, Holm, Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen, Johansen, Olsen, Haugen, Bakke, Dahl, Lund, Strand, Nordström, Sandberg, Ekström, Bergström, Møller, Kristiansen, Halvorsen, Jónsson|Jónsdóttir, Sigurðsson|Sigurðardóttir"},
	{key: "finnish",
		male:     "Mikko, Juha, Timo, Jari, Antti, Matti, Janne, Ville, Tuomas, Jukka, Pekka, Sami, Lauri, Eero, Olli, Joonas, Aleksi, Heikki",
		female:   "Anna, Laura, Johanna, Sanna, Tiina, Minna, Päivi, Riikka, Katja, Elina, Aino, Emilia, Sari, Hanna, Satu, Kaisa, Noora, Veera",
		surnames: "Korhonen, Virtanen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen, Koskinen, Järvinen, Lehtonen, Lehtinen, Saarinen, Salminen, Heinonen, Niemi, Heikkilä, Kinnunen, Salonen, Turunen, Salo, Laitinen, Tuominen, Rantanen, Karjalainen, Jokinen, Mattila, Savolainen, Lahtinen, Ahonen"},
	{key: "romanian",
		male:     "Andrei, Alexandru, Mihai, Ionuț, Bogdan, Cristian, Adrian, Florin, Gabriel, Ștefan, Răzvan, Vlad, Marius, Daniel, Radu, Sorin, Ciprian, Dragoș, Tudor, Lucian",
		female:   "Maria, Elena, Ioana, Andreea, Alexandra, Mihaela, Cristina, Ana, Gabriela, Diana, Raluca, Roxana, Irina, Simona, Oana, Bianca, Alina, Corina, Daniela, Larisa",
		surnames: "Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu, Rusu, Munteanu, Constantin, Marin, Mihai, Florea, Dinu, Moldovan, Lungu, Barbu, Tudor, Nistor, Stanciu, Toma, Dobre, Cristea, Ene, Sârbu, Neagu, Dumitrescu, Georgescu, Vasile, Manole"},
	{key: "czech",
		male:     "Jan, Petr, Pavel, Tomáš, Jiří, Martin, Jakub, Lukáš, Ondřej, David, Michal, Marek, Vojtěch, Filip, Radek, Peter, Juraj, Matej, Miroslav, Vladimír",
		female:   "Jana, Eva, Hana, Lucie, Petra, Kateřina, Lenka, Veronika, Markéta, Tereza, Zuzana, Martina, Barbora, Kristýna, Michaela, Alena, Simona, Ivana, Monika, Jarmila",
		surnames: "Novák|Nováková, Svoboda|Svobodová, Novotný|Novotná, Dvořák|Dvořáková, Černý|Černá, Procházka|Procházková, Kučera|Kučerová, Veselý|Veselá, Horák|Horáková, Němec|Němcová, Marek|Marková, Pokorný|Pokorná, Pospíšil|Pospíšilová, Hájek|Hájková, Jelínek|Jelínková, Král|Králová, Růžička|Růžičková, Beneš|Benešová, Fiala|Fialová, Sedláček|Sedláčková, Kováč|Kováčová, Horváth|Horváthová, Varga|Vargová, Baláž|Balážová, Molnár|Molnárová"},
	{key: "hungarian",
		male:     "László, István, József, Zoltán, Sándor, Gábor, Péter, Attila, Tamás, Balázs, Ferenc, Zsolt, Dániel, Bence, Ádám, Gergely, Márton, Levente",
		female:   "Mária, Erzsébet, Katalin, Ilona, Éva, Anna, Zsuzsanna, Judit, Ágnes, Andrea, Krisztina, Eszter, Réka, Zsófia, Dóra, Nóra, Petra, Boglárka",
		surnames: "Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh, Papp, Takács, Juhász, Lakatos, Mészáros, Oláh, Simon, Rácz, Fekete, Szilágyi, Török, Fehér, Balázs, Gál, Kis, Szűcs, Kocsis, Pintér"},
	{key: "southslavic",
		male:     "Marko, Ivan, Luka, Nikola, Petar, Stefan, Filip, Josip, Tomislav, Dario, Goran, Dejan, Miloš, Nemanja, Aleksandar, Matej, Jure, Andrej, Žiga, Boris",
		female:   "Ana, Marija, Ivana, Jelena, Maja, Petra, Katarina, Mateja, Nina, Sara, Tijana, Milica, Jovana, Dragana, Nataša, Lucija, Tea, Špela, Nika, Vesna",
		surnames: "Horvat, Kovačević, Babić, Marić, Jurić, Novak, Knežević, Vuković, Marković, Petrović, Jovanović, Nikolić, Đorđević, Stojanović, Ilić, Pavlović, Popović, Kovač, Krajnc, Zupan, Potočnik, Kovačič, Mlakar, Tomić, Božić, Pavić, Perić, Radić, Blažević, Šarić"},
	{key: "bulgarian",
		male:     "Georgi, Ivan, Dimitar, Nikolay, Petar, Hristo, Stoyan, Todor, Aleksandar, Martin, Kaloyan, Vasil, Plamen, Krasimir, Boris",
		female:   "Maria, Ivanka, Elena, Yordanka, Desislava, Gergana, Tsvetelina, Radostina, Nadezhda, Viktoria, Teodora, Kalina, Silvia, Ralitsa, Milena",
		surnames: "Ivanov|Ivanova, Georgiev|Georgieva, Dimitrov|Dimitrova, Petrov|Petrova, Nikolov|Nikolova, Hristov|Hristova, Stoyanov|Stoyanova, Todorov|Todorova, Iliev|Ilieva, Vasilev|Vasileva, Atanasov|Atanasova, Angelov|Angelova, Marinov|Marinova, Kolev|Koleva, Yordanov|Yordanova, Petkov|Petkova"},
	{key: "macedonian",
		male:     "Aleksandar, Nikola, Stefan, Bojan, Goran, Dragan, Zoran, Igor, Darko, Vladimir, Kiril, Filip",
		female:   "Elena, Marija, Ana, Biljana, Jasmina, Katerina, Ivana, Simona, Tamara, Vesna, Sanja, Aleksandra",
		surnames: "Stojanovski|Stojanovska, Nikolovski|Nikolovska, Trajkovski|Trajkovska, Petrovski|Petrovska, Jovanovski|Jovanovska, Ristovski|Ristovska, Angelovski|Angelovska, Dimitrievski|Dimitrievska, Georgievski|Georgievska, Kostovski|Kostovska, Mitrevski|Mitrevska, Pavlovski|Pavlovska"},
	{key: "lithuanian",
		male:     "Jonas, Tomas, Mantas, Lukas, Darius, Andrius, Paulius, Vytautas, Mindaugas, Gediminas, Linas, Rokas",
		female:   "Rūta, Eglė, Greta, Ieva, Agnė, Inga, Laura, Jurgita, Kristina, Gabija, Aušra, Lina",
		surnames: "Kazlauskas|Kazlauskienė, Jankauskas|Jankauskienė, Petrauskas|Petrauskienė, Stankevičius|Stankevičienė, Vasiliauskas|Vasiliauskienė, Žukauskas|Žukauskienė, Butkus|Butkienė, Paulauskas|Paulauskaitė, Urbonas|Urbonaitė, Kavaliauskas|Kavaliauskaitė, Navickas|Navickienė, Rimkus|Rimkutė"},
	{key: "latvian",
		male:     "Jānis, Andris, Edgars, Mārtiņš, Kristaps, Roberts, Artūrs, Māris, Raivis, Gatis, Toms, Oskars",
		female:   "Anna, Kristīne, Inese, Laura, Ilze, Līga, Dace, Santa, Elīna, Agnese, Zane, Sanita",
		surnames: "Bērziņš|Bērziņa, Kalniņš|Kalniņa, Ozoliņš|Ozoliņa, Jansons|Jansone, Ozols|Ozola, Liepiņš|Liepiņa, Krūmiņš|Krūmiņa, Balodis|Balode, Zariņš|Zariņa, Pētersons|Pētersone, Kļaviņš|Kļaviņa, Vītols|Vītola"},
	{key: "estonian",
		male:     "Andres, Martin, Rasmus, Kristjan, Siim, Tanel, Priit, Margus, Jaan, Mihkel, Indrek, Karl",
		female:   "Kadri, Liis, Kristiina, Triin, Maarja, Anu, Piret, Kati, Eva, Helen, Mari, Kertu",
		surnames: "Tamm, Saar, Sepp, Mägi, Kask, Kukk, Rebane, Ilves, Pärn, Koppel, Lepik, Kuusk, Karu, Oja, Põder, Luik"},
	{key: "albanian",
		male:     "Arben, Besnik, Driton, Fatos, Gentian, Ilir, Kushtrim, Labinot, Valon, Agron, Blerim, Endrit, Ardit, Dritan, Erion, Arjan",
		female:   "Arta, Besa, Drita, Elira, Fjolla, Vjosa, Mimoza, Blerta, Teuta, Albana, Ermira, Jonida, Lindita, Rina, Era, Ornela",
		surnames: "Hoxha, Berisha, Krasniqi, Gashi, Shala, Morina, Kelmendi, Bytyqi, Rexhepi, Hasani, Dervishi, Leka, Shehu, Kola, Çela, Basha, Mustafa, Ahmeti, Osmani, Zeneli"},
	{key: "maltese",
		male:     "Joseph, Matthew, Luke, Karl, Mark, Andrea, Jean Paul, Nicholas, Kurt, Clayton",
		female:   "Maria, Daniela, Francesca, Rebecca, Nicole, Stephanie, Marija, Roberta, Claire, Gabriella",
		surnames: "Borg, Camilleri, Vella, Farrugia, Zammit, Galea, Micallef, Grech, Attard, Spiteri, Azzopardi, Mifsud, Pace, Sammut, Cassar, Fenech, Caruana, Agius, Abela, Debono"},
	{key: "turkish",
		male:     "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Murat, Emre, Burak, Can, Kerem, Oğuz, Serkan, Cem, Barış, Deniz, Onur, Yusuf, Tolga",
		female:   "Ayşe, Fatma, Emine, Zeynep, Elif, Merve, Esra, Büşra, Selin, Derya, Gül, Ebru, Özlem, Aslı, Seda, Nur, Ceren, Defne, Sevgi, Pınar",
		surnames: "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Korkmaz, Aksoy, Güneş, Tekin, Acar"},
	{key: "ukrainian", native: "ukrainian_native", nativeRate: 0.1,
		male:     "Oleksandr, Andrii, Serhii, Dmytro, Volodymyr, Mykola, Yurii, Oleh, Ivan, Taras, Bohdan, Vasyl, Maksym, Yaroslav, Petro, Artem",
		female:   "Olena, Tetiana, Nataliia, Iryna, Oksana, Kateryna, Yuliia, Svitlana, Halyna, Mariia, Anastasiia, Liudmyla, Daria, Solomiia, Viktoriia, Khrystyna",
		surnames: "Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Oliinyk, Shevchuk, Koval, Polishchuk, Boiko, Tkachuk, Marchenko, Melnyk, Lysenko, Rudenko, Savchenko, Petrenko, Moroz, Kovalchuk, Pavlenko, Hrytsenko, Kovalskyi|Kovalska, Zelinskyi|Zelinska, Levchenko"},
	{key: "ukrainian_native",
		male:     "Олександр=Oleksandr, Андрій=Andrii, Сергій=Serhii, Дмитро=Dmytro, Володимир=Volodymyr, Микола=Mykola, Тарас=Taras, Богдан=Bohdan, Ярослав=Yaroslav, Максим=Maksym",
		female:   "Олена=Olena, Тетяна=Tetiana, Наталія=Nataliia, Ірина=Iryna, Оксана=Oksana, Катерина=Kateryna, Юлія=Yuliia, Світлана=Svitlana, Марія=Mariia, Соломія=Solomiia",
		surnames: "Шевченко=Shevchenko, Коваленко=Kovalenko, Бондаренко=Bondarenko, Ткаченко=Tkachenko, Кравченко=Kravchenko, Олійник=Oliinyk, Мельник=Melnyk, Бойко=Boiko, Лисенко=Lysenko, Петренко=Petrenko, Ковальський|Ковальська=Kovalskyi|Kovalska"},
	{key: "arabic_maghreb",
		male:     "Mohamed, Youssef, Ahmed, Karim, Mehdi, Hamza, Amine, Omar, Rachid, Khalid, Saïd, Nabil, Samir, Yassine, Anas, Hicham, Ayoub, Bilal, Adil, Sofiane, Walid",
		female:   "Fatima, Khadija, Amina, Salma, Nadia, Leïla, Samira, Meryem, Sara, Imane, Houda, Zineb, Asmaa, Yasmine, Rim, Inès, Soukaina, Hajar, Nour, Fatima Zahra, Sonia",
		surnames: "Benali, El Amrani, Bennani, Alaoui, El Idrissi, Tazi, Berrada, Chraibi, Ouazzani, El Fassi, Benjelloun, Lahlou, Trabelsi, Ben Salah, Jaziri, Hammami, Gharbi, Mansouri, Belhadj, Haddad, Bouzid, Benamar, Saidi, Cherif, Zerrouki, Benmoussa, Aït Ali, Amrani, Ziani"},
	{key: "arabic_east",
		male:     "Ahmed, Mohamed, Omar, Karim, Ali, Hassan, Khaled, Tarek, Youssef, Rami, Fadi, Ziad, Sami, Nader, Georges, Elie, Joseph, Hani, Mahmoud, Mustafa",
		female:   "Nour, Rania, Lina, Dina, Yasmin, Maya, Layla, Hala, Rana, Sara, Mariam, Reem, Farah, Jana, Nadine, Carla, Rita, Hiba, Aya, Salma",
		surnames: "Haddad, Khoury, Nasser, Hassan, Saleh, Aziz, Karam, Mansour, Abboud, Fares, Khalil, Sabbagh, Hamdan, Darwish, El-Sayed, Abdel-Rahman, Mostafa, Ibrahim, Youssef, Farouk, Shaheen, Qasim, Al-Masri, Jaber, Najjar, Atallah, Bitar, Saad, Obeid"},
	{key: "francophone_africa",
		male:     "Mamadou, Moussa, Ousmane, Abdoulaye, Ibrahima, Cheikh, Modou, Aliou, Souleymane, Amadou, Koffi, Yao, Kouadio, Serge, Jean-Baptiste, Arnaud, Franck, Hervé, Landry, Boris, Didier, Éric",
		female:   "Aminata, Fatou, Awa, Mariama, Aïssatou, Khady, Ndèye, Coumba, Astou, Rokhaya, Adjoua, Affoué, Aya, Clarisse, Sandrine, Mireille, Christelle, Estelle, Nadège, Josiane",
		surnames: "Diop, Ndiaye, Fall, Sow, Diallo, Ba, Sarr, Faye, Gueye, Mbaye, Diouf, Seck, Cissé, Niang, Thiam, Kouassi, Koné, Traoré, Kouamé, Bamba, Coulibaly, Ouattara, Touré, Konan, N'Guessan, Fofana, Mbarga, Ngono, Fotso, Tchoumi, Essomba, Kamga"},
	{key: "nigerian",
		male:     "Chinedu, Emeka, Obinna, Ifeanyi, Oluwaseun, Adebayo, Tunde, Segun, Babajide, Ibrahim, Musa, Abubakar, Chukwuemeka, Femi, Kunle, Uche, Kelechi, Tobi, Damilola, Samuel, David",
		female:   "Ngozi, Chiamaka, Adaeze, Funmilayo, Folake, Yetunde, Aisha, Zainab, Amina, Blessing, Chioma, Nneka, Temitope, Bukola, Ifeoma, Omolara, Halima, Oluwakemi, Precious, Esther",
		surnames: "Okafor, Adeyemi, Okonkwo, Bello, Eze, Obi, Adebayo, Nwosu, Balogun, Ogunleye, Ibrahim, Okeke, Chukwu, Olaniyan, Abubakar, Adewale, Nwachukwu, Oyelaran, Usman, Akinola, Ogbonna, Afolabi, Suleiman, Okoro, Ajayi, Oladipo"},
	{key: "ghanaian",
		male:     "Kwame, Kofi, Kwabena, Kwaku, Yaw, Kojo, Kwesi, Emmanuel, Samuel, Daniel, Isaac, Prince, Nana, Ebenezer, Richard",
		female:   "Ama, Akosua, Abena, Efua, Esi, Adwoa, Akua, Yaa, Afua, Gifty, Comfort, Abigail, Priscilla, Dede, Naa",
		surnames: "Mensah, Owusu, Boateng, Asante, Osei, Agyeman, Appiah, Addo, Amoah, Acheampong, Ofori, Darko, Antwi, Tetteh, Quaye, Ansah, Frimpong, Adjei, Bonsu, Sarpong"},
	{key: "east_african",
		male:     "Brian, Kevin, Dennis, Peter, John, Joseph, James, Samuel, Daniel, Collins, Amani, Baraka, Juma, Emmanuel, Eric, Moses, Isaac, Patrick, Felix, Jean Bosco",
		female:   "Grace, Mercy, Faith, Joyce, Esther, Purity, Caroline, Neema, Zawadi, Halima, Winnie, Sharon, Agnes, Lilian, Diane, Aline, Josephine, Beatrice, Ruth, Wanjiku",
		surnames: "Kamau, Otieno, Mwangi, Ochieng, Kiprop, Njoroge, Mutua, Wafula, Odhiambo, Kariuki, Omondi, Okello, Nakato, Mugisha, Ssempala, Namusoke, Uwimana, Niyonzima, Habimana, Mushi, Massawe, Mollel, Kimaro, Mwakyusa, Rotich, Kibet, Wekesa"},
	{key: "ethiopian",
		male:     "Abebe, Dawit, Yonas, Tesfaye, Bereket, Samuel, Henok, Mulugeta, Solomon, Yared",
		female:   "Tigist, Hana, Meron, Selam, Bethlehem, Mahlet, Liya, Hiwot, Rahel, Tsion",
		surnames: "Tesfaye, Girma, Bekele, Alemu, Haile, Tadesse, Kebede, Mekonnen, Getachew, Worku, Assefa, Desta"},
	{key: "south_african",
		male:     "Thabo, Sipho, Themba, Lwazi, Mandla, Kagiso, Tshepo, Johan, Pieter, Willem, Jacques, Ruan, Michael, David, Sizwe, Bongani",
		female:   "Nomvula, Lerato, Zanele, Thandiwe, Palesa, Nokuthula, Busisiwe, Naledi, Annelie, Marike, Anri, Chantelle, Megan, Lindiwe, Refilwe",
		surnames: "Nkosi, Dlamini, Ndlovu, Khumalo, Mokoena, Mthembu, Zulu, Molefe, Sithole, Mahlangu, Mabaso, van der Merwe, Botha, Pretorius, du Plessis, Venter, Nel, Smith, Jacobs, Williams, Adams, Petersen, Radebe, Mkhize, Ngcobo"},
	{key: "indian",
		male:     "Rahul, Arjun, Vikram, Rohan, Aditya, Karthik, Siddharth, Amit, Rajesh, Sanjay, Anil, Suresh, Vivek, Nikhil, Pranav, Harsh, Manish, Arvind, Ravi, Deepak, Abhishek, Sandeep",
		female:   "Priya, Ananya, Aditi, Kavya, Sneha, Deepa, Lakshmi, Pooja, Neha, Anjali, Divya, Meera, Shreya, Kavitha, Swati, Nandini, Radhika, Aishwarya, Sunita, Anita, Ishita, Riya",
		surnames: "Sharma, Patel, Iyer, Nair, Reddy, Gupta, Menon, Das, Banerjee, Kulkarni, Rao, Singh, Mehta, Joshi, Pillai, Chatterjee, Mukherjee, Agarwal, Desai, Shah, Verma, Kumar, Bhat, Krishnan, Naidu, Ghosh, Kapoor, Malhotra, Chopra, Srinivasan, Subramanian, Pandey, Mishra, Jain, Bose, Rajan"},
	{key: "japanese", native: "japanese_native", nativeRate: 0.06,
		male:     "Haruto, Yuto, Sota, Kenji, Takeshi, Hiroshi, Daisuke, Shota, Kazuki, Ryo, Takumi, Naoki, Yusuke, Kenta, Tatsuya, Shin, Makoto, Akira",
		female:   "Yuki, Aiko, Yui, Sakura, Haruka, Naoko, Emi, Keiko, Yoko, Misaki, Ayaka, Mai, Rina, Megumi, Tomoko, Kaori, Chihiro, Asuka",
		surnames: "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Yamazaki, Mori, Abe, Ikeda, Hashimoto, Ishikawa, Ogawa, Fujita, Okada, Goto, Hasegawa"},
	{key: "japanese_native", familyFirst: true,
		male:     "健二=Kenji, 博=Hiroshi, 翔太=Shota, 大輔=Daisuke, 拓海=Takumi, 直樹=Naoki, 誠=Makoto, 明=Akira",
		female:   "直子=Naoko, 由美=Yumi, 恵子=Keiko, 陽子=Yoko, 美咲=Misaki, 彩香=Ayaka, 恵=Megumi, 香織=Kaori",
		surnames: "佐藤=Sato, 鈴木=Suzuki, 高橋=Takahashi, 田中=Tanaka, 渡辺=Watanabe, 伊藤=Ito, 山本=Yamamoto, 中村=Nakamura, 小林=Kobayashi, 加藤=Kato, 吉田=Yoshida, 山田=Yamada"},
	{key: "korean",
		male:     "Min-jun, Ji-hoon, Hyun-woo, Jae-won, Dong-hyun, Sung-min, Seung-ho, Jin-woo, Tae-yang, Joon-young, Sang-woo, Young-ho",
		female:   "Seo-yeon, Ji-woo, Soo-jin, Eun-ji, Ha-eun, Min-ji, Hye-jin, Ji-young, Yu-na, Seo-hyun, Da-eun, Soo-ah",
		surnames: "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon, Hwang, Ahn, Song, Yoo, Hong"},
	{key: "chinese",
		male:     "Wei Jie, Jun Jie, Kai Xiang, Zhi Hao, Jia Wei, Wei Ming, Daniel, Marcus, Ryan, Jonathan, Kelvin, Jason, Hao Ran, Yi Chen",
		female:   "Wei Ling, Jia Hui, Mei Ling, Xin Yi, Hui Min, Li Ting, Rachel, Michelle, Grace, Cheryl, Shu Fen, Yu Xuan, Jing Yi, Pei Shan",
		surnames: "Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Chan, Koh, Teo, Ang, Yeo, Tay, Ho, Low, Toh, Chong, Sim, Chen, Wang, Zhang, Liu, Huang"},
	{key: "malay",
		male:     "Ahmad, Muhammad Hafiz, Amir, Hakim, Faizal, Azman, Rizal, Irfan, Syafiq, Hafiz, Zulkifli, Aiman",
		female:   "Nur Aisyah, Siti Aminah, Nurul Huda, Farah, Aisyah, Nabila, Sarah, Izzati, Nadia, Syahirah, Hidayah, Aina",
		surnames: "bin Ismail|binti Ismail, bin Abdullah|binti Abdullah, bin Hassan|binti Hassan, bin Rahman|binti Rahman, bin Osman|binti Osman, bin Yusof|binti Yusof, bin Ibrahim|binti Ibrahim, bin Ahmad|binti Ahmad, bin Razak|binti Razak, bin Salleh|binti Salleh"},
	{key: "indonesian",
		male:     "Budi, Agus, Rizky, Wahyu, Andi, Dimas, Arif, Hendra, Bayu, Fajar, Eko, Joko, Yudi, Reza, Adi, Teguh",
		female:   "Siti, Dewi, Putri, Ayu, Fitri, Rina, Indah, Sri, Wulan, Nia, Ratna, Intan, Maya, Dian, Ratih, Lestari",
		surnames: "Santoso, Wijaya, Pratama, Saputra, Hidayat, Kusuma, Setiawan, Nugroho, Wibowo, Gunawan, Halim, Susanto, Hartono, Purnomo, Siregar, Nasution, Simanjuntak, Harahap"},
	{key: "filipino",
		male:     "Jose, Juan, Mark, John Paul, Jericho, Carlo, Paolo, Miguel, Rafael, Joshua, Christian, Angelo, Kenneth, Jerome, Ramon",
		female:   "Maria, Kristine, Angelica, Mary Grace, Joy, Patricia, Camille, Bea, Andrea, Nicole, Jasmine, Rowena, Maricel, Liza, Jocelyn",
		surnames: "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Dela Cruz, Villanueva, Aquino, Ramos, Castillo, Torres, Flores, Gonzales, Navarro, Mercado, Pascual, Soriano, Rivera, Tolentino, Manalo, Del Rosario, Fernandez"},
	{key: "vietnamese", familyFirst: true,
		male:     "Văn An, Minh Tuấn, Quốc Bảo, Hoàng Nam, Đức Anh, Thanh Tùng, Văn Hùng, Minh Khoa, Hữu Phúc, Quang Huy",
		female:   "Thị Lan, Thu Hà, Minh Anh, Ngọc Mai, Thị Hương, Phương Linh, Thanh Hằng, Bảo Ngọc, Khánh Linh, Thùy Dung",
		surnames: "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương"},
	{key: "thai",
		male:     "Somchai, Nattapong, Anan, Kittisak, Prasert, Surasak, Thanawat, Wichai, Chaiwat, Pongsak",
		female:   "Kanya, Siriporn, Suda, Ploy, Naree, Malee, Pimchanok, Wanida, Arunee, Chanida",
		surnames: "Srisuk, Chaiyaporn, Wongsawat, Saetang, Thongchai, Boonmee, Rattanakorn, Sukprasert, Phromma, Kaewkla, Jaidee, Chanthavong"},
	{key: "hebrew",
		male:     "Avi, Yossi, Omer, Itai, Daniel, Noam, Eitan, Yonatan, Ariel, Uri, Amit, Gil",
		female:   "Noa, Tamar, Yael, Maya, Michal, Shira, Adi, Liat, Hila, Talia, Rivka, Orly",
		surnames: "Cohen, Levi, Mizrahi, Peretz, Biton, Friedman, Katz, Shapiro, Ben-David, Avraham, Dahan, Azoulay, Goldberg, Rosen, Weiss, Carmel"},
	{key: "maori",
		male:     "Wiremu, Tama, Rawiri, Hemi, Nikau, Tāne, Manaia, Hohepa",
		female:   "Aroha, Mere, Anahera, Kiri, Huia, Ngaio, Hine, Moana",
		surnames: "Ngata, Parata, Tipene, Walker, Te Whiu, Tamihana, Rangi, Henare, Paewai, Horomona, Kereama, Pōmare"},
}

var (
	cultures      []*culture // Latin-script cultures, for random mixing
	culturesByKey = map[string]*culture{}
)

// cultureByLang names the main culture of each language, for countries
// whose people follow the language of their city (Belgium, Switzerland,
// Canada).
var cultureByLang = map[string]string{
	"it": "italian", "fr": "french", "de": "german", "nl": "dutch", "en": "english",
	"es": "spanish", "pt": "portuguese", "pl": "polish", "el": "greek",
}

func initCultures() {
	for _, d := range cultureDefs {
		c := &culture{
			key:         d.key,
			male:        parseNames(d.male),
			female:      parseNames(d.female),
			surnames:    parseNames(d.surnames),
			double:      d.double,
			familyFirst: d.familyFirst,
			initial:     d.initial,
			nativeRate:  d.nativeRate,
		}
		culturesByKey[d.key] = c
		if !strings.HasSuffix(d.key, "_native") {
			cultures = append(cultures, c)
		}
	}
	for _, d := range cultureDefs {
		if d.native != "" {
			culturesByKey[d.key].native = cultureByKey(d.native)
		}
	}
}

func cultureByKey(key string) *culture {
	c, ok := culturesByKey[key]
	if !ok {
		panic("demo: unknown culture " + key)
	}
	return c
}

func cultureForLang(lang string) *culture {
	if key, ok := cultureByLang[lang]; ok {
		return cultureByKey(key)
	}
	return cultureByKey("english")
}

func parseNames(list string) []nameForm {
	var out []nameForm
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		display, latin, ok := strings.Cut(entry, "=")
		if !ok {
			latin = display
		}
		m, f, ok := strings.Cut(display, "|")
		if !ok {
			f = m
		}
		ml, fl, ok := strings.Cut(latin, "|")
		if !ok {
			fl = ml
		}
		out = append(out, nameForm{m: m, f: f, mLatin: ml, fLatin: fl})
	}
	return out
}

// personName is a generated person. The Latin parts feed e-mail addresses
// and web sites, the display parts what people see.
type personName struct {
	full                    string
	given, family           string
	givenLatin, familyLatin string
	female                  bool
}

// femaleShare: education and community work, the Declaration's core
// audience, employ more women than men.
const femaleShare = 0.56

func (c *culture) person(r *rand.Rand) personName {
	female := chance(r, femaleShare)
	src := c
	if c.native != nil && chance(r, c.nativeRate) {
		src = c.native
	}
	pool := src.male
	if female {
		pool = src.female
	}
	g := oneOf(r, pool)
	given, givenLatin := g.get(false) // given names have one form
	s := oneOf(r, src.surnames)
	family, familyLatin := s.get(female)
	if src.double > 0 && chance(r, src.double) {
		s2 := oneOf(r, src.surnames)
		if s2.m != s.m {
			f2, l2 := s2.get(female)
			family += " " + f2
			familyLatin += " " + l2
		}
	}
	if src.initial > 0 && chance(r, src.initial) {
		given += " " + string(rune('A'+r.IntN(26))) + "."
	}
	full := given + " " + family
	if src.familyFirst {
		full = family + " " + given
	}
	return personName{full: full, given: given, family: family, givenLatin: givenLatin, familyLatin: familyLatin, female: female}
}

// randomPerson draws a person of country c living in ct: mostly from the
// country's own cultures, sometimes (2%) from anywhere, since people move.
func randomPerson(r *rand.Rand, c *country, ct *city) personName {
	if chance(r, 0.02) {
		return oneOf(r, cultures).person(r)
	}
	return c.cultureFor(r, ct).person(r)
}
